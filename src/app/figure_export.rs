//! `x` / `X` on the flows screen: the selected connection's ladder written as an SVG figure
//! (`X`: time-scaled) into the figure folder (the current directory unless the caller set
//! one), under a name that is never an existing file. The figure is drawn from the flow's
//! ladder events (handshake and teardown, the data between summarised);
//! `synack ladder FILE --flow N` draws every segment.

use std::path::PathBuf;

use crate::teach::figure::{self, Figure, FigureOptions};

use super::App;

impl App {
    /// Where `x` writes figures (default: the current directory).
    pub fn set_figure_dir(&mut self, dir: PathBuf) {
        self.figure_dir = dir;
    }

    /// Writes the selected flow's ladder as SVG and says where in the status bar.
    pub(super) fn export_ladder(&mut self, time_scaled: bool) {
        let Some(flow) = self.flows.selected_flow() else {
            self.notice = Some("no connection selected: nothing to draw".into());
            return;
        };
        let flow = self.redact_flow(flow).into_owned();
        let fig = Figure::build(
            &flow,
            &[],
            FigureOptions {
                raw: false,
                time_scaled,
            },
        );
        let stem = if time_scaled {
            format!("synack-flow-{}-time", flow.id)
        } else {
            format!("synack-flow-{}", flow.id)
        };
        self.notice = Some(
            match super::new_file::create_unused(
                &self.figure_dir,
                &stem,
                "svg",
                figure::svg(&fig).as_bytes(),
            ) {
                Ok(path) => format!(
                    "wrote the ladder of flow {} to {}",
                    flow.id,
                    crate::sanitize::sanitize(&path.display().to_string())
                ),
                Err(e) => format!(
                    "cannot write the ladder figure in {}: {e}",
                    crate::sanitize::sanitize(&self.figure_dir.display().to_string())
                ),
            },
        );
    }
}

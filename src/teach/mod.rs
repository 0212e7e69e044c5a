//! The teaching layer on top of the pipeline: when each ladder arrow starts and lands on the
//! presentation clock (`anim`), the classroom scenarios embedded in the binary (`demo`) and the
//! plain-language narration of a packet (`explain`), and one connection's ladder as a figure
//! for slides (`figure`: SVG, text, mermaid). Pure; depends on `model`, `decode`, `flow`
//! and `source` (to read the embedded captures).

pub mod anim;
pub mod demo;
pub mod explain;
pub mod figure;

//! Command-line interface: clap definitions, turned into validated settings before the rest of
//! the program sees them. Depends on clap only.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// synack — see every packet by TCP/IP layer and every TCP handshake as a ladder diagram.
#[derive(Debug, Parser)]
#[command(name = "synack", version, about, long_about = None, arg_required_else_help = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Read settings from FILE instead of $XDG_CONFIG_HOME/synack/config.toml (or
    /// ~/.config/synack/config.toml). Flags on the command line win over the file.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Capture live on an interface (needs root or cap_net_raw,cap_net_admin).
    Live(LiveArgs),
    /// Open a pcap or pcapng file (or `-` for stdin) in the interactive viewer, or print it in
    /// its own time (`--print`).
    Replay(ReplayArgs),
    /// Print one line (text) or one JSON object (json) per packet, for pipes and scripts.
    #[command(override_usage = "synack dump [OPTIONS] <FILE | - | -i IFACE>")]
    Dump(DumpArgs),
    /// Print one line or JSON object per TCP connection: handshake outcome, RTT, sizes.
    #[command(override_usage = "synack flows [OPTIONS] <FILE | - | -i IFACE>")]
    Flows(FlowsArgs),
    /// Reassemble one TCP connection and print both directions (like tshark's
    /// `-q -z follow,tcp,ascii,N`).
    #[command(override_usage = "synack follow [OPTIONS] <FILE> <FLOW>")]
    Follow(FollowArgs),
    /// What is in a capture: protocols by layer (as tshark -z io,phs), IP conversations,
    /// TCP/UDP endpoints, handshake outcomes and RTTs, retransmissions, traffic over time.
    #[command(override_usage = "synack stats [OPTIONS] <FILE | - | -i IFACE>")]
    Stats(StatsArgs),
    /// Write one TCP connection's ladder as a figure for slides and handouts: SVG, plain
    /// text or a mermaid sequence diagram.
    Ladder(LadderArgs),
    /// List the interfaces that can be captured on, with addresses and the default one.
    Interfaces,
    /// Classroom demo from captures built into synack: no files, no root, no network.
    Demo(DemoArgs),
    /// Print a shell completion script: `source <(synack completions bash)`.
    Completions(crate::cli::shell::CompletionsArgs),
    /// Print the manual page (roff, every subcommand in one page), or write it with `-o DIR`.
    Man(crate::cli::shell::ManArgs),
    /// Show the effective settings (config file, flags, defaults) and where each came from.
    Config(ConfigArgs),
}

/// `synack stats`: the capture's statistics, printed once the input ends.
#[derive(Debug, Args)]
pub struct StatsArgs {
    #[command(flatten)]
    pub stream: StreamArgs,
    /// Keep at most this many TCP flows in memory for the handshake figures (the least
    /// recently active is counted and forgotten first).
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_FLOWS)]
    pub max_flows: usize,
}

/// The figure formats of `synack ladder`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum FigureFormat {
    /// Self-contained SVG, black on white (for slides and print).
    #[default]
    Svg,
    /// Plain Unicode text (for handouts and terminals).
    Txt,
    /// A mermaid sequenceDiagram (for markdown slides).
    Mermaid,
}

/// `synack ladder`: one connection's ladder as a figure.
#[derive(Debug, Args)]
pub struct LadderArgs {
    /// Capture file (pcap or pcapng, also gzip/zstd/xz compressed).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// The connection's number, as `synack flows` lists it (Wireshark's tcp.stream).
    #[arg(long, value_name = "N")]
    pub flow: u32,
    /// Figure format.
    #[arg(long, value_enum, default_value_t = FigureFormat::Svg)]
    pub format: FigureFormat,
    /// Write the figure to this file instead of standard output.
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// Time runs down the page in proportion, and each arrow lands half the measured RTT
    /// after it left (estimated from the capture point).
    #[arg(long)]
    pub time_scaled: bool,
    /// Raw sequence and acknowledgment numbers instead of relative ones.
    #[arg(long)]
    pub raw: bool,
    /// Mask the IP addresses consistently (documentation ranges).
    #[arg(long)]
    pub redact: bool,
}

/// `synack config`: the settings as the other commands would see them.
#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// Print the effective settings, one `key = value  # origin` line each.
    #[arg(long, required = true)]
    pub print: bool,
    /// As `--theme` of the viewer: shown as coming from a flag.
    #[arg(long, value_enum, value_name = "THEME")]
    pub theme: Option<ThemeName>,
    /// As `replay --speed`.
    #[arg(long, value_name = "X", value_parser = crate::replay::parse_speed)]
    pub speed: Option<f64>,
    /// As `replay --max-gap`.
    #[arg(long, value_name = "SECS", value_parser = crate::replay::pacing::parse_max_gap)]
    pub max_gap: Option<f64>,
    /// As `--explain`.
    #[arg(long)]
    pub explain: bool,
    /// As `--redact`.
    #[arg(long)]
    pub redact: bool,
    /// As `live -i`.
    #[arg(short = 'i', long = "interface", value_name = "IFACE")]
    pub interface: Option<String>,
}

/// Look of the interactive viewer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum ThemeName {
    /// The normal palette (colour-blind safe).
    #[default]
    Default,
    /// High contrast, for projectors.
    Contrast,
    /// Colour-vision-deficiency safe: Okabe–Ito colours only, no red/green pairs (outcomes,
    /// arrows and layers stay apart in deuteranopia and protanopia).
    Cvd,
}

/// Presentation options of the interactive commands (`live`, `replay`, `demo`).
#[derive(Debug, Args, Clone, Default)]
pub struct ViewOpts {
    /// Colour theme (`NO_COLOR` set to anything non-empty turns colour off whatever the
    /// theme).
    #[arg(long, value_enum, value_name = "THEME", default_value_t = ThemeName::Default)]
    pub theme: ThemeName,
    /// Mask MAC and IP addresses (consistently: the same address always gets the same stand-in
    /// from the documentation ranges), for screenshots.
    #[arg(long)]
    pub redact: bool,
    /// Open the explain panel from the start.
    #[arg(long)]
    pub explain: bool,
    /// Display filter to start with, in Wireshark's language (like tshark -Y;
    /// docs/filters.md). Checked before the viewer opens.
    #[arg(short = 'Y', long = "display-filter", value_name = "FILTER")]
    pub display_filter: Option<String>,
}

impl ViewOpts {
    /// The theme to use: `--theme` combined with this process's `NO_COLOR`.
    pub fn theme_choice(&self) -> crate::terminal::theme_config::ThemeChoice {
        crate::terminal::theme_config::ThemeChoice::from_env(self.theme == ThemeName::Contrast)
            .with_cvd(self.theme == ThemeName::Cvd)
    }
}

/// Options shared by every live capture.
#[derive(Debug, Args, Clone)]
pub struct CaptureOpts {
    /// Interface to capture on (default: the interface of the default route).
    #[arg(short = 'i', long = "interface", value_name = "IFACE")]
    pub interface: Option<String>,
    /// Bytes to keep of each packet.
    #[arg(short = 's', long, value_name = "SNAPLEN", default_value_t = 262_144,
          value_parser = clap::value_parser!(i32).range(64..=262_144))]
    pub snaplen: i32,
    /// Do not put the interface into promiscuous mode.
    #[arg(long)]
    pub no_promisc: bool,
    #[command(flatten)]
    pub kernel: KernelBuffer,
    /// Also write every captured packet to this pcap file (Wireshark opens it). The file is
    /// created readable by you only (0600); an existing file or a symbolic link is refused
    /// unless --force is given (a link is refused even then).
    #[arg(short = 'w', long = "write", value_name = "OUT.pcap")]
    pub write: Option<PathBuf>,
    /// Overwrite an existing -w file (never through a symbolic link).
    #[arg(long, requires = "write")]
    pub force: bool,
    #[command(flatten)]
    pub rotate: Rotation,
    /// Bound the temporary spool that holds the bytes of captured packets on disk to SIZE
    /// (`512M`, `2G`; K, M, G are 1024-based): the oldest packets are evicted from disk and
    /// from the screen, and counted, like --max-packets. Not used for a plain -w file, which
    /// keeps everything (bound it with -C and -W).
    #[arg(long, value_name = "SIZE", value_parser = parse_size,
          default_value = DEFAULT_SPOOL_MAX)]
    pub spool_max: u64,
}

/// Default of `--spool-max`.
pub const DEFAULT_SPOOL_MAX: &str = "1G";

/// `-w` rotation, as tcpdump does it.
#[derive(Debug, Args, Clone, Default, PartialEq)]
#[command(group(clap::ArgGroup::new("rotate_by").args(["file_size", "rotate_secs"]).multiple(true)))]
pub struct Rotation {
    /// Start a new -w file once the current one holds more than MB million bytes (tcpdump's
    /// -C): OUT.pcap, OUT.pcap1, OUT.pcap2… (with -W: OUT.pcap0 … OUT.pcapN-1, reused in a
    /// ring).
    #[arg(short = 'C', value_name = "MB", requires = "write",
          value_parser = parse_megabytes)]
    pub file_size: Option<u64>,
    /// With -C: keep at most N files, overwriting the oldest (a ring). With -G: stop after N
    /// files.
    #[arg(short = 'W', value_name = "N", requires = "rotate_by",
          value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub file_count: Option<u32>,
    /// Start a new -w file every SECS seconds (tcpdump's -G); the -w name may hold strftime
    /// fields (%Y %m %d %H %M %S) filled with the time the file is started, otherwise a
    /// number is appended as with -C.
    #[arg(short = 'G', value_name = "SECS", requires = "write",
          value_parser = clap::value_parser!(u64).range(1..))]
    pub rotate_secs: Option<u64>,
}

/// `--idle-timeout`: seconds, more than 0 and at most a year.
pub fn parse_idle_timeout(s: &str) -> Result<f64, String> {
    let v: f64 = s
        .trim()
        .trim_end_matches('s')
        .parse()
        .map_err(|_| format!("`{s}` is not a number of seconds (e.g. 300, 0.5)"))?;
    if !v.is_finite() || v <= 0.0 || v > 31_536_000.0 {
        return Err(format!("an idle timeout of {v} s is outside (0, 31536000]"));
    }
    Ok(v)
}

/// tcpdump's `-C`: millions of bytes (a decimal fraction is allowed), at least 1 byte.
pub fn parse_megabytes(s: &str) -> Result<u64, String> {
    let v: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("`{s}` is not a size in millions of bytes (example: 100)"))?;
    if !v.is_finite() || v <= 0.0 || v > 1e12 {
        return Err(format!("`{s}` is out of range (more than 0, at most 1e12)"));
    }
    Ok(((v * 1e6) as u64).max(1))
}

/// The kernel capture buffer: `-B` like tcpdump.
#[derive(Debug, Args, Clone, Default, PartialEq)]
pub struct KernelBuffer {
    /// Kernel capture buffer: a plain number is KiB as in tcpdump's -B (`65536`), or give a
    /// unit (`64M`). Default 32 MiB: a burst of tens of thousands of packets waits there while
    /// synack catches up (libpcap's own default is 2 MiB).
    #[arg(short = 'B', long = "buffer-size", value_name = "KiB|SIZE",
          value_parser = parse_buffer_size)]
    pub buffer_size: Option<i32>,
    /// Hand each packet to synack the moment it arrives (tcpdump's --immediate-mode). Lower
    /// latency, but the kernel buffer then holds one snaplen-sized slot per packet, so bursts
    /// are dropped unless -s is small: by default packets arrive in blocks at most 50 ms old.
    #[arg(long = "immediate-mode")]
    pub immediate: bool,
}

impl KernelBuffer {
    /// The buffer size in bytes to ask libpcap for.
    pub fn bytes(&self) -> i32 {
        self.buffer_size
            .unwrap_or(crate::source::DEFAULT_BUFFER_BYTES)
    }
}

/// `-B`: a plain number is KiB (tcpdump), or a size with a unit (`parse_size`); 64 KiB to 2 GiB.
pub fn parse_buffer_size(s: &str) -> Result<i32, String> {
    let t = s.trim();
    let bytes = if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
        t.parse::<u64>()
            .ok()
            .and_then(|k| k.checked_mul(1024))
            .ok_or_else(|| format!("`{t}` is too large"))?
    } else {
        parse_size(t)?
    };
    if bytes < 64 * 1024 {
        return Err("the buffer must be at least 64 KiB".into());
    }
    i32::try_from(bytes).map_err(|_| "the buffer can be at most 2047 MiB".into())
}

#[derive(Debug, Args)]
pub struct LiveArgs {
    #[command(flatten)]
    pub capture: CaptureOpts,
    /// BPF capture filter, compiled by libpcap (e.g. 'tcp port 443').
    #[arg(short = 'f', long = "filter", value_name = "BPF")]
    pub filter: Option<String>,
    /// Keep at most this many packets in memory (at least 1): the oldest are evicted and
    /// counted on screen, so a capture can run for days. About 32 bytes of index plus the
    /// packet's captured bytes each. (`synack replay` keeps every packet of a file: its index
    /// is ~37 bytes a packet and the bytes stay in the file.)
    #[arg(long, value_name = "N", default_value_t = 1_000_000)]
    pub max_packets: usize,
    /// Bound the packet store's memory — index records plus the copied packet bytes — to
    /// SIZE (`512M`, `2G`, `100000K` or plain bytes; K, M, G are 1024-based). The oldest
    /// packets are evicted and counted, like --max-packets, whichever limit is reached first.
    /// Default: no byte limit.
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_mem: Option<u64>,
    /// Keep at most this many TCP flows (oldest idle evicted and counted).
    #[arg(long, value_name = "N", default_value_t = 100_000)]
    pub max_flows: usize,
    /// A SYN unanswered for SECS (or twice the client's last retransmission back-off, when
    /// longer) is declared "no response" while the capture runs, as at the end of a file.
    #[arg(long, value_name = "SECS", default_value = "30", value_parser = parse_idle_timeout)]
    pub syn_timeout: f64,
    #[command(flatten)]
    pub view: ViewOpts,
}

impl LiveArgs {
    /// The capture settings the source needs.
    pub fn to_live_config(&self) -> crate::source::LiveConfig {
        crate::source::LiveConfig {
            interface: self.capture.interface.clone(),
            filter: self.filter.clone(),
            snaplen: self.capture.snaplen,
            promisc: !self.capture.no_promisc,
            write_to: self.capture.write.clone(),
            buffer_size: Some(self.capture.kernel.bytes()),
            immediate: self.capture.kernel.immediate,
            overwrite: self.capture.force,
            rotation: crate::source::Rotation {
                file_size: self.capture.rotate.file_size,
                file_count: self.capture.rotate.file_count,
                seconds: self.capture.rotate.rotate_secs,
            },
            spool_max: Some(self.capture.spool_max),
        }
    }
}

/// Rewrites tcpdump's time flags, which clap cannot express (`-tt` is not `-t -t` there),
/// into `--time-format`: -t none, -tt epoch, -ttt delta, -tttt absolute, -ttttt relative.
pub fn normalize_args(
    args: impl IntoIterator<Item = std::ffi::OsString>,
) -> Vec<std::ffi::OsString> {
    args.into_iter()
        .map(|a| {
            let fmt = match a.to_str() {
                Some("-t") => "none",
                Some("-tt") => "epoch",
                Some("-ttt") => "delta",
                Some("-tttt") => "absolute",
                Some("-ttttt") => "relative",
                _ => return a,
            };
            format!("--time-format={fmt}").into()
        })
        .collect()
}

/// What to use instead of a tcpdump or tshark flag synack does not take.
pub fn flag_advice(flag: &str) -> Option<&'static str> {
    let flag = flag.split('=').next().unwrap_or(flag);
    Some(match flag {
        "-D" | "--list-interfaces" => "to list interfaces, run `synack interfaces`",
        "-e" => "-v shows every layer, the link layer's addresses included",
        "-q" => "dump's lines are already one short line per packet",
        "-l" | "-U" => "live output is already written line by line",
        "-S" => {
            "synack's lines already show raw sequence numbers; -Y 'tcp.seq == 0' uses relative ones"
        }
        "-p" => "use --no-promisc",
        "-K" | "-N" | "-O" | "-Q" | "-#" => "synack has no such option; -v shows every field",
        "-C" | "-G" | "-W" | "-z" | "-Z" => "synack writes one file: dump -w OUT.pcap (or .pcapng)",
        "-E" | "-M" => "synack does not decrypt",
        "-y" | "-L" => "synack reads the link type from the file or interface",
        "-B" => "synack sizes its buffer itself",
        "-T" | "-d" => "synack decodes by port and content; see docs/filters.md for fields",
        "-e2" | "-V" => "use -v for every layer's fields",
        "-xx" | "-XX" => "use -x or -X (synack prints from the network header)",
        "-o" | "-2" | "-R" => "use -Y FILTER for a display filter (one pass)",
        _ => return None,
    })
}

/// A byte size: plain bytes or a number with `K`, `M`, `G` or `T` (1024-based; a trailing `B`
/// or `iB` is allowed, case does not matter), at least 1 byte: `512M`, `2G`, `100000K`.
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let lower = t.to_ascii_lowercase();
    let body = lower
        .strip_suffix("ib")
        .or_else(|| lower.strip_suffix('b'))
        .unwrap_or(&lower);
    let (digits, shift) = match body.chars().last() {
        Some('k') => (&body[..body.len() - 1], 10),
        Some('m') => (&body[..body.len() - 1], 20),
        Some('g') => (&body[..body.len() - 1], 30),
        Some('t') => (&body[..body.len() - 1], 40),
        _ => (body, 0),
    };
    let bad = || format!("`{t}` is not a size (examples: 512M, 2G, 100000K, 1048576)");
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let n: u64 = digits.parse().map_err(|_| bad())?;
    let bytes = n
        .checked_mul(1u64 << shift)
        .ok_or_else(|| format!("`{t}` is too large"))?;
    if bytes == 0 {
        return Err("the size must be at least 1 byte".into());
    }
    Ok(bytes)
}

#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// Capture file (pcap or pcapng), or `-` for standard input.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Keep at most this many TCP flows (oldest idle evicted and counted).
    #[arg(long, value_name = "N", default_value_t = 1_000_000)]
    pub max_flows: usize,
    /// Playback speed, 0.01 to 1000 (2 = twice as fast; `10x` works too).
    #[arg(long, value_name = "X", default_value = "1", value_parser = crate::replay::parse_speed)]
    pub speed: f64,
    /// Start paused on the first packet.
    #[arg(long, conflicts_with_all = ["instant", "print"])]
    pub paused: bool,
    /// Load every packet at once instead of playing them in their recorded time.
    #[arg(long)]
    pub instant: bool,
    /// Silences longer than SECS (capture time) are cut to SECS, so idle hours do not freeze
    /// the replay.
    #[arg(long, value_name = "SECS", default_value = "3",
          value_parser = crate::replay::pacing::parse_max_gap)]
    pub max_gap: f64,
    /// Start again after the last packet.
    #[arg(long = "loop")]
    pub looping: bool,
    /// Print `dump`'s lines to stdout as the clock releases them, instead of opening the
    /// viewer.
    #[arg(long)]
    pub print: bool,
    /// Output format of `--print`.
    #[arg(long, value_enum, default_value_t = Format::Text, requires = "print")]
    pub format: Format,
    /// The lesson look, as in `synack demo`: starts paused with the explain panel open, and
    /// the packet list names TCP flags in words (SYN-ACK) instead of tcpdump's letters.
    #[arg(long, conflicts_with_all = ["instant", "print"])]
    pub lesson: bool,
    /// Predict, then reveal: the replay stops before each packet a question is about (the
    /// handshake, duplicate ACKs, a zero window, crossed FINs, a scan's answers), the question
    /// made from the capture's numbers; `n` shows the packet with the answer selected.
    #[arg(long, conflicts_with_all = ["instant", "print"])]
    pub quiz: bool,
    #[command(flatten)]
    pub view: ViewOpts,
}

impl ReplayArgs {
    /// The validated playback settings (the viewer and `--print` both use them).
    pub fn options(&self) -> crate::replay::pacing::ReplayOptions {
        crate::replay::pacing::ReplayOptions {
            speed: self.speed,
            start_paused: self.paused || self.lesson,
            instant: self.instant,
            max_gap_ns: crate::replay::pacing::secs_to_ns(self.max_gap),
            looping: self.looping,
        }
    }
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Scenario to run (default: the first of the lesson, `http`); see `--list`.
    #[arg(value_name = "NAME")]
    pub name: Option<String>,
    /// List the scenarios, one line each, and exit.
    #[arg(long, conflicts_with = "name")]
    pub list: bool,
    /// Playback speed once resumed, 0.01 to 1000 (a demo starts paused on its first packet).
    #[arg(long, value_name = "X", default_value = "1", value_parser = crate::replay::parse_speed)]
    pub speed: f64,
    /// Predict, then reveal: stop before each packet a question is about, with a question made
    /// from the capture's numbers; `n` shows the packet with the answer selected (`p` toggles).
    #[arg(long, conflicts_with = "list")]
    pub quiz: bool,
    /// Write the scenario as a worksheet to this file and exit (Markdown, or a self-contained
    /// HTML page when the name ends in .html): the ladder as text, the handshake packets'
    /// fields, the quiz with answers at the end.
    #[arg(long, value_name = "OUT.md|OUT.html", conflicts_with = "list")]
    pub handout: Option<PathBuf>,
    #[command(flatten)]
    pub view: ViewOpts,
}

impl DemoArgs {
    /// The playback settings of a demo: paused on the first packet, at `--speed`.
    pub fn options(&self) -> crate::replay::pacing::ReplayOptions {
        crate::replay::pacing::ReplayOptions {
            speed: self.speed,
            ..crate::replay::pacing::ReplayOptions::demo()
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Human-readable, one line per item.
    Text,
    /// JSON Lines: one object per line.
    Json,
    /// Comma-separated values with a header row (`flows` only).
    Csv,
}

/// What the non-interactive commands read and how they print it (shared by `dump` and `flows`).
#[derive(Debug, Args)]
pub struct StreamArgs {
    /// Capture file (pcap or pcapng), or `-` for standard input. Omit it and give `-i` to
    /// capture live.
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// BPF filter words after the file, as tcpdump takes them (`synack dump trace.pcap tcp
    /// port 80`); the same as `-f 'tcp port 80'`.
    #[arg(value_name = "EXPRESSION", conflicts_with = "filter")]
    pub expression: Vec<String>,
    /// Read this capture file (tcpdump's and tshark's -r; the same as giving FILE).
    #[arg(
        short = 'r',
        long = "read",
        value_name = "FILE",
        conflicts_with = "interface"
    )]
    pub read: Option<PathBuf>,
    #[command(flatten)]
    pub live: LiveLimits,
    /// BPF filter, compiled by libpcap (also applied to files).
    #[arg(short = 'f', long = "filter", value_name = "BPF")]
    pub filter: Option<String>,
    /// Display filter in Wireshark's language, like tshark -Y (`tcp.port == 80 &&
    /// !tcp.flags.reset`; docs/filters.md lists the fields). Every packet is still tracked:
    /// frame numbers and tcp.stream stay the file's.
    #[arg(short = 'Y', long = "display-filter", value_name = "FILTER")]
    pub display_filter: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Mask MAC and IP addresses consistently (documentation ranges), for sharing output.
    #[arg(long)]
    pub redact: bool,
    /// Accepted for tcpdump habits: synack never resolves names.
    #[arg(short = 'n', hide_short_help = true)]
    pub numeric: bool,
}

/// Where `dump` and `flows` read from, once `FILE`, `-r` and the BPF words are sorted out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamInput {
    /// The capture file (`-` for stdin); `None`: live on `-i`.
    pub file: Option<PathBuf>,
    /// The BPF filter: `-f`, or the words after the file.
    pub bpf: Option<String>,
}

impl StreamArgs {
    /// Sorts out the input: with `-r` or `-i`, a FILE word is really the first BPF word.
    pub fn input(&self) -> Result<StreamInput, String> {
        let mut words: Vec<String> = Vec::new();
        let file = match (&self.read, &self.live.interface, &self.file) {
            (Some(r), _, f) => {
                words.extend(f.iter().map(|p| p.to_string_lossy().into_owned()));
                Some(r.clone())
            }
            (None, Some(_), f) => {
                if let Some(p) = f.as_ref().filter(|p| looks_like_capture(p)) {
                    return Err(format!(
                        "give either a file ({}) or -i IFACE, not both",
                        p.display()
                    ));
                }
                words.extend(f.iter().map(|p| p.to_string_lossy().into_owned()));
                None
            }
            (None, None, Some(f)) => Some(f.clone()),
            (None, None, None) => {
                return Err(
                    "give a capture file (FILE, -r FILE or - for stdin) or -i IFACE to capture \
                     live"
                        .into(),
                );
            }
        };
        if file.is_some() && self.live.duration.is_some() {
            return Err("--duration is for live capture (-i); -c N stops a file early".into());
        }
        words.extend(self.expression.iter().cloned());
        let bpf = if words.is_empty() {
            self.filter.clone()
        } else if self.filter.is_some() {
            return Err("give the BPF filter once: with -f or as words after the file".into());
        } else {
            Some(words.join(" "))
        };
        Ok(StreamInput { file, bpf })
    }
}

/// A word that names a capture file rather than a BPF primitive.
fn looks_like_capture(p: &std::path::Path) -> bool {
    p.as_os_str() == "-"
        || p.is_file()
        || p.extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| matches!(e, "pcap" | "pcapng" | "cap" | "dmp"))
}

/// How `dump` writes each packet's time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum TimeFormat {
    /// Time of day, UTC (`14:02:03.123456`), tcpdump's default.
    #[default]
    Clock,
    /// Date and time, UTC (`2026-12-03 14:02:03.123456`), tcpdump's -tttt.
    Absolute,
    /// Seconds since 1970 (`1796306523.123456`), tcpdump's -tt.
    Epoch,
    /// Since the previous packet shown, tcpdump's -ttt.
    Delta,
    /// Since the first packet, tcpdump's -ttttt.
    Relative,
    /// No time, tcpdump's -t.
    None,
}

#[derive(Debug, Args)]
pub struct DumpArgs {
    #[command(flatten)]
    pub stream: StreamArgs,
    /// Write the packets that pass the filters to this file instead of printing them (pcap
    /// with nanosecond times, or pcapng when the name ends in .pcapng); bytes and times are
    /// copied exactly.
    #[arg(short = 'w', long = "write", value_name = "OUT")]
    pub write: Option<PathBuf>,
    /// Show each packet's layers, one field per line, under its line (like tshark -V).
    #[arg(short = 'v', long = "verbose", action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Print the packet (from the network header) in hex after each line (tcpdump's -x).
    #[arg(short = 'x', conflicts_with_all = ["hex_ascii", "ascii"])]
    pub hex: bool,
    /// Print the packet in hex and ASCII after each line (tcpdump's -X).
    #[arg(short = 'X', conflicts_with = "ascii")]
    pub hex_ascii: bool,
    /// Print the packet as ASCII after each line (tcpdump's -A; other bytes become '.').
    #[arg(short = 'A')]
    pub ascii: bool,
    /// How to write times (also tcpdump's -t, -tt, -ttt, -tttt, -ttttt).
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = TimeFormat::Clock)]
    pub time_format: TimeFormat,
    /// Track at most this many TCP connections for flow ids and the TCP analysis notes
    /// (least recently active forgotten first; a later packet of a forgotten connection starts
    /// a new flow). 0 tracks none: no flow ids, no analysis.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_FLOWS)]
    pub max_flows: usize,
}

/// Connections `dump` and `flows` keep in memory by default: about 1.4 KB each, so 1.4 GB at
/// most (see docs/performance.md).
pub const DEFAULT_MAX_FLOWS: usize = 1_000_000;

/// Live-capture options of the non-interactive commands.
#[derive(Debug, Args, Clone)]
pub struct LiveLimits {
    /// Capture live on this interface instead of reading a file.
    #[arg(short = 'i', long = "interface", value_name = "IFACE")]
    pub interface: Option<String>,
    /// Stop after this many packets (live or file, like tcpdump's -c).
    #[arg(short = 'c', long = "count", value_name = "COUNT")]
    pub count: Option<u64>,
    /// Stop after this many seconds (live).
    #[arg(long, value_name = "SECS")]
    pub duration: Option<f64>,
    /// Bytes to keep of each packet (live).
    #[arg(short = 's', long, value_name = "SNAPLEN", default_value_t = 262_144,
          value_parser = clap::value_parser!(i32).range(64..=262_144))]
    pub snaplen: i32,
    /// Do not put the interface into promiscuous mode (live).
    #[arg(long)]
    pub no_promisc: bool,
    #[command(flatten)]
    pub kernel: KernelBuffer,
}

/// How `synack follow` prints a conversation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FollowFormat {
    /// Each chunk's length, then its bytes as text (non-printable bytes as `.`); node 1's
    /// chunks indented by a tab, as tshark's `follow,tcp,ascii`.
    Ascii,
    /// Hex dump, 16 bytes a line with offsets in each direction's stream.
    Hex,
    /// One line of hex digits per chunk (tshark's `follow,tcp,raw`).
    Raw,
    /// One JSON document: the two ends, every chunk (frame, offset, hex bytes or gap) and
    /// what reassembly counted.
    Json,
}

/// `synack follow FILE FLOW`.
#[derive(Debug, Args)]
pub struct FollowArgs {
    /// Capture file (pcap or pcapng, possibly compressed).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// The connection's flow id: the number `synack flows` prints, equal to Wireshark's
    /// `tcp.stream`.
    #[arg(value_name = "FLOW")]
    pub flow: u32,
    /// Output format.
    #[arg(long, value_enum, default_value_t = FollowFormat::Ascii)]
    pub format: FollowFormat,
    /// Memory for bytes that arrive before the bytes in front of them (out of order).
    /// Past it the first hole is declared missing; what that costs is counted and said.
    #[arg(long, value_name = "SIZE", value_parser = parse_size, default_value = "64M")]
    pub max_reassembly: u64,
}

#[derive(Debug, Args)]
pub struct FlowsArgs {
    #[command(flatten)]
    pub stream: StreamArgs,
    /// Keep at most this many TCP flows in memory (the least recently active is printed and
    /// forgotten first). 0 tracks none, so nothing is listed.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_FLOWS)]
    pub max_flows: usize,
    /// Live or piped input: a connection with no packet for SECS seconds (capture time) is
    /// printed then, without waiting for its close or the end. Closed connections (both FINs
    /// or a reset) are printed at once; each connection is printed once.
    #[arg(long, value_name = "SECS", default_value = "300",
          value_parser = parse_idle_timeout)]
    pub idle_timeout: f64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    fn stream_input(argv: &[&str]) -> Result<StreamInput, String> {
        let mut full = vec!["synack"];
        full.extend_from_slice(argv);
        match Cli::try_parse_from(full)
            .map_err(|e| e.to_string())?
            .command
        {
            Command::Dump(d) => d.stream.input(),
            Command::Flows(f) => f.stream.input(),
            other => panic!("parsed as {other:?}"),
        }
    }

    #[test]
    fn tcpdump_style_inputs() {
        let i = stream_input(&["dump", "t.pcap", "tcp", "port", "80"]).expect("valid");
        assert_eq!(i.file.as_deref(), Some(std::path::Path::new("t.pcap")));
        assert_eq!(i.bpf.as_deref(), Some("tcp port 80"));
        let i = stream_input(&["dump", "-n", "-r", "t.pcap", "tcp", "port", "80"]).expect("valid");
        assert_eq!(i.file.as_deref(), Some(std::path::Path::new("t.pcap")));
        assert_eq!(i.bpf.as_deref(), Some("tcp port 80"));
        let i = stream_input(&["flows", "-i", "eth0", "udp"]).expect("valid");
        assert_eq!((i.file, i.bpf.as_deref()), (None, Some("udp")));
        assert!(stream_input(&["dump", "t.pcap", "tcp", "-f", "udp"]).is_err());
        assert!(stream_input(&["dump", "-r", "a.pcap", "-i", "eth0"]).is_err());
    }

    #[test]
    fn dump_needs_a_file_or_an_interface() {
        assert!(stream_input(&["dump"]).is_err());
        assert!(stream_input(&["dump", "x.pcap", "-i", "eth0"]).is_err());
        let cli = Cli::try_parse_from([
            "synack", "dump", "-i", "eth0", "-c", "3", "--format", "json",
        ])
        .expect("valid");
        match cli.command {
            Command::Dump(d) => {
                assert_eq!(d.stream.live.count, Some(3));
                assert_eq!(d.stream.format, Format::Json);
            }
            other => panic!("parsed as {other:?}"),
        }
    }

    #[test]
    fn duration_requires_live_but_count_does_not() {
        assert!(stream_input(&["dump", "x.pcap", "--duration", "3"]).is_err());
        assert!(stream_input(&["dump", "x.pcap", "-c", "3"]).is_ok());
    }

    fn replay(args: &[&str]) -> Result<ReplayArgs, clap::Error> {
        let mut argv = vec!["synack", "replay", "x.pcap"];
        argv.extend_from_slice(args);
        match Cli::try_parse_from(argv)?.command {
            Command::Replay(r) => Ok(r),
            other => panic!("parsed as {other:?}"),
        }
    }

    #[test]
    fn replay_flags_become_options() {
        let d = replay(&[]).expect("valid").options();
        assert_eq!(d, crate::replay::pacing::ReplayOptions::default());
        let r = replay(&[
            "--speed",
            "10x",
            "--paused",
            "--max-gap",
            "0.5",
            "--loop",
            "--theme",
            "contrast",
            "--redact",
        ])
        .expect("valid");
        let o = r.options();
        assert_eq!(o.speed, 10.0);
        assert!(o.start_paused && o.looping && !o.instant);
        assert_eq!(o.max_gap_ns, 500_000_000);
        assert_eq!(r.view.theme, ThemeName::Contrast);
        assert!(r.view.redact);
        assert!(replay(&["--instant"]).expect("valid").options().instant);
    }

    #[test]
    fn replay_flags_are_validated() {
        for bad in [
            &["--speed", "0"][..],
            &["--speed", "1001"],
            &["--speed", "fast"],
            &["--max-gap", "-1"],
            &["--paused", "--instant"],
            &["--paused", "--print"],
            &["--format", "json"],
            &["--theme", "neon"],
        ] {
            assert!(replay(bad).is_err(), "{bad:?} accepted");
        }
        let p = replay(&["--print", "--format", "json", "--speed", "2"]).expect("valid");
        assert!(p.print);
        assert_eq!(p.format, Format::Json);
    }

    #[test]
    fn sizes_parse_with_units() {
        assert_eq!(parse_size("512M"), Ok(512 << 20));
        assert_eq!(parse_size("2G"), Ok(2 << 30));
        assert_eq!(parse_size("100000K"), Ok(100_000 << 10));
        assert_eq!(parse_size("1048576"), Ok(1_048_576));
        assert_eq!(parse_size("3gb"), Ok(3 << 30));
        assert_eq!(parse_size("64KiB"), Ok(64 << 10));
        assert_eq!(parse_size("1T"), Ok(1 << 40));
        for bad in [
            "",
            "M",
            "0",
            "0K",
            "-5M",
            "1.5G",
            "12X",
            "G2",
            "1 G",
            "99999999999999999999",
        ] {
            assert!(parse_size(bad).is_err(), "{bad:?} accepted");
        }
        assert!(parse_size("20000000T").is_err(), "overflow");
    }

    #[test]
    fn buffer_size_is_kib_like_tcpdump_or_a_size() {
        assert_eq!(parse_buffer_size("65536"), Ok(64 << 20));
        assert_eq!(parse_buffer_size("64M"), Ok(64 << 20));
        assert_eq!(parse_buffer_size("64"), Ok(64 << 10));
        for bad in ["63", "1K", "4G", "", "lots"] {
            assert!(parse_buffer_size(bad).is_err(), "{bad:?} accepted");
        }
        assert_eq!(KernelBuffer::default().bytes(), 32 << 20);
    }

    #[test]
    fn live_rotation_spool_and_force_become_settings() {
        let parse = |extra: &[&str]| {
            let mut argv = vec!["synack", "live"];
            argv.extend_from_slice(extra);
            match Cli::try_parse_from(argv).map(|c| c.command) {
                Ok(Command::Live(l)) => Ok(l.to_live_config()),
                Ok(other) => panic!("parsed as {other:?}"),
                Err(e) => Err(e),
            }
        };
        let d = parse(&[]).expect("valid");
        assert_eq!(d.spool_max, Some(1 << 30), "default --spool-max 1G");
        assert_eq!(d.buffer_size, Some(32 << 20));
        assert!(!d.immediate && !d.overwrite && !d.rotation.is_active());
        let c = parse(&[
            "-w",
            "o.pcap",
            "-C",
            "2.5",
            "-W",
            "4",
            "--force",
            "-B",
            "8M",
            "--spool-max",
            "10M",
            "--immediate-mode",
        ])
        .expect("valid");
        assert_eq!(c.rotation.file_size, Some(2_500_000));
        assert_eq!(c.rotation.file_count, Some(4));
        assert!(c.overwrite && c.immediate);
        assert_eq!(
            (c.buffer_size, c.spool_max),
            (Some(8 << 20), Some(10 << 20))
        );
        let g = parse(&["-w", "o-%H.pcap", "-G", "60", "-W", "3"]).expect("valid");
        assert_eq!(
            (g.rotation.seconds, g.rotation.file_count),
            (Some(60), Some(3))
        );
        // -C/-G/-W/--force need -w; -W needs -C or -G.
        for bad in [
            &["-C", "1"][..],
            &["-G", "5"],
            &["--force"],
            &["-w", "o.pcap", "-W", "3"],
            &["-w", "o.pcap", "-C", "0"],
            &["-w", "o.pcap", "-G", "0"],
        ] {
            assert!(parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn flows_idle_timeout_is_validated() {
        let parse = |extra: &[&str]| {
            let mut argv = vec!["synack", "flows", "-"];
            argv.extend_from_slice(extra);
            match Cli::try_parse_from(argv).map(|c| c.command) {
                Ok(Command::Flows(f)) => Ok(f.idle_timeout),
                Ok(other) => panic!("parsed as {other:?}"),
                Err(e) => Err(e),
            }
        };
        assert_eq!(parse(&[]).ok(), Some(300.0));
        assert_eq!(parse(&["--idle-timeout", "1.5"]).ok(), Some(1.5));
        assert!(parse(&["--idle-timeout", "0"]).is_err());
        assert!(parse(&["--idle-timeout", "soon"]).is_err());
    }

    #[test]
    fn live_takes_max_mem_next_to_max_packets() {
        let parse = |extra: &[&str]| {
            let mut argv = vec!["synack", "live"];
            argv.extend_from_slice(extra);
            match Cli::try_parse_from(argv).map(|c| c.command) {
                Ok(Command::Live(l)) => Ok(l),
                Ok(other) => panic!("parsed as {other:?}"),
                Err(e) => Err(e),
            }
        };
        let d = parse(&[]).expect("valid");
        assert_eq!((d.max_mem, d.max_packets), (None, 1_000_000));
        let l = parse(&["--max-mem", "512M", "--max-packets", "10"]).expect("valid");
        assert_eq!((l.max_mem, l.max_packets), (Some(512 << 20), 10));
        assert!(parse(&["--max-mem", "lots"]).is_err());
        assert!(parse(&["--max-mem", "0"]).is_err());
        assert!(Cli::try_parse_from(["synack", "replay", "x.pcap", "--max-mem", "1G"]).is_err());
    }

    #[test]
    fn lesson_quiz_and_handout_switches() {
        let cli = |argv: &[&str]| Cli::try_parse_from(argv).map(|c| c.command);
        match cli(&["synack", "replay", "x.pcap", "--lesson", "--quiz"]) {
            Ok(Command::Replay(r)) => {
                assert!(r.lesson && r.quiz);
                assert!(r.options().start_paused, "a lesson starts paused");
            }
            other => panic!("{other:?}"),
        }
        assert!(cli(&["synack", "replay", "x.pcap", "--lesson", "--instant"]).is_err());
        assert!(cli(&["synack", "replay", "x.pcap", "--quiz", "--print"]).is_err());
        match cli(&["synack", "demo", "refused", "--quiz", "--handout", "w.md"]) {
            Ok(Command::Demo(d)) => {
                assert!(d.quiz);
                assert_eq!(d.handout.as_deref(), Some(std::path::Path::new("w.md")));
            }
            other => panic!("{other:?}"),
        }
        assert!(cli(&["synack", "demo", "--list", "--handout", "w.md"]).is_err());
    }

    #[test]
    fn demo_takes_a_name_or_list_and_starts_paused() {
        let parse = |argv: &[&str]| match Cli::try_parse_from(argv).map(|c| c.command) {
            Ok(Command::Demo(d)) => Some(d),
            _ => None,
        };
        let d = parse(&["synack", "demo"]).expect("no name is fine");
        assert!(d.name.is_none() && !d.list);
        assert!(d.options().start_paused);
        let d = parse(&["synack", "demo", "lossy", "--speed", "0.5", "--redact"]).expect("valid");
        assert_eq!(d.name.as_deref(), Some("lossy"));
        assert_eq!(d.options().speed, 0.5);
        assert!(d.view.redact);
        assert!(parse(&["synack", "demo", "--list"]).is_some_and(|d| d.list));
        assert!(parse(&["synack", "demo", "http", "--list"]).is_none());
    }
}

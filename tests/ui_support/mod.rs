//! Shared fixtures for the ui tests: real Ethernet/IPv4/TCP bytes built with etherparse (a
//! handshake, an HTTP request whose payload carries terminal escape sequences, a packet cut
//! short by the snaplen) and a small hand-written decoder for exactly those packets, so the
//! screens can be tested independently of `crate::decode`. Fixed timestamps, no clock. Also
//! the demo captures of `assets/demo`, read with the real file reader.
#![allow(dead_code)]

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use etherparse::{PacketBuilder, TcpOptionElement};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use synack::app::{App, Decoder, Key, Msg, SourceKind};
use synack::decode::{Decoded, Field, Header, Issue, IssueKind, LayerKind, Proto, Summary};
use synack::model::{Frame, LinkType, TcpHandshakeOptions, TcpSegment, tcp_flags};
use synack::sanitize::sanitize_bytes;

pub const T0: i64 = 1_700_000_000_123_456_789;
pub const CLIENT: [u8; 4] = [192, 168, 1, 10];
pub const SERVER: [u8; 4] = [93, 184, 216, 34];
pub const CPORT: u16 = 51234;
pub const SPORT: u16 = 80;
pub const EVIL: &[u8] =
    b"GET /\x1b]0;pwned\x07\x1b[2J\x9b31m HTTP/1.1\r\nHost: example.com\r\n\r\n";

fn tcp(
    from_client: bool,
    seq: u32,
    ack: Option<u32>,
    syn: bool,
    psh: bool,
    opts: &[TcpOptionElement],
    payload: &[u8],
) -> Vec<u8> {
    let (smac, dmac) = if from_client {
        ([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2])
    } else {
        ([2, 0, 0, 0, 0, 2], [2, 0, 0, 0, 0, 1])
    };
    let (src, dst, sp, dp) = if from_client {
        (CLIENT, SERVER, CPORT, SPORT)
    } else {
        (SERVER, CLIENT, SPORT, CPORT)
    };
    let mut b = PacketBuilder::ethernet2(smac, dmac)
        .ipv4(src, dst, 64)
        .tcp(sp, dp, seq, 64240);
    if syn {
        b = b.syn();
    }
    if let Some(a) = ack {
        b = b.ack(a);
    }
    if psh {
        b = b.psh();
    }
    if !opts.is_empty() {
        b = b.options(opts).unwrap();
    }
    let mut out = Vec::new();
    b.write(&mut out, payload).unwrap();
    out
}

fn frame(offset_ns: i64, data: Vec<u8>) -> Frame {
    Frame::new(T0 + offset_ns, data.len() as u32, LinkType::ETHERNET, data)
}

/// SYN, SYN-ACK, ACK, an HTTP GET with escape sequences in it, and a SYN cut to 40 bytes.
pub fn handshake_frames() -> Vec<Frame> {
    let syn_opts = [
        TcpOptionElement::MaximumSegmentSize(1460),
        TcpOptionElement::SelectiveAcknowledgementPermitted,
        TcpOptionElement::Timestamp(1000, 0),
        TcpOptionElement::Noop,
        TcpOptionElement::WindowScale(7),
    ];
    let mut cut = frame(
        2_000_000_000,
        tcp(true, 9000, None, true, false, &syn_opts, &[]),
    );
    cut.len = cut.data.len() as u32;
    cut.data.truncate(40);
    vec![
        frame(0, tcp(true, 1000, None, true, false, &syn_opts, &[])),
        frame(
            23_456_000,
            tcp(false, 5000, Some(1001), true, false, &syn_opts, &[]),
        ),
        frame(
            47_001_000,
            tcp(true, 1001, Some(5001), false, false, &[], &[]),
        ),
        frame(
            47_500_000,
            tcp(true, 1001, Some(5001), false, true, &[], EVIL),
        ),
        cut,
    ]
}

/// `n` small TCP packets 1 ms apart.
pub fn many_frames(n: usize) -> Vec<Frame> {
    (0..n)
        .map(|i| {
            frame(
                i as i64 * 1_000_000,
                tcp(i % 2 == 0, i as u32, Some(1), false, false, &[], &[]),
            )
        })
        .collect()
}

fn be16(d: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([d[at], d[at + 1]])
}
fn be32(d: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([d[at], d[at + 1], d[at + 2], d[at + 3]])
}

fn f(name: &str, value: String, meaning: &str, range: std::ops::Range<usize>) -> Field {
    Field {
        name: name.into(),
        value,
        meaning: meaning.into(),
        range,
        children: vec![],
        typed: None,
    }
}

fn flag_names(flags: u16) -> String {
    let names = [
        (tcp_flags::SYN, "SYN"),
        (tcp_flags::ACK, "ACK"),
        (tcp_flags::PSH, "PSH"),
        (tcp_flags::FIN, "FIN"),
        (tcp_flags::RST, "RST"),
    ];
    names
        .iter()
        .filter(|(b, _)| flags & b != 0)
        .map(|(_, n)| *n)
        .collect::<Vec<_>>()
        .join(", ")
}

fn mac(d: &[u8]) -> String {
    d.iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// A minimal Ethernet/IPv4/TCP decoder for the fixtures above (not a real decoder).
pub fn fake_decode(d: &[u8], orig_len: u32) -> Decoded {
    let mut out = Decoded::default();
    if d.len() < 14 {
        out.issues.push(Issue {
            kind: IssueKind::Truncated,
            layer: LayerKind::Link,
            offset: d.len(),
            message: "Ethernet header cut short".into(),
        });
        out.summary.broken = true;
        return out;
    }
    out.headers.push(Header {
        layer: LayerKind::Link,
        protocol: "Ethernet II".into(),
        range: 0..14,
        fields: vec![
            f("Destination", mac(&d[0..6]), "", 0..6),
            f("Source", mac(&d[6..12]), "", 6..12),
            f("Type", format!("0x{:04x}", be16(d, 12)), "IPv4", 12..14),
        ],
    });
    if d.len() < 34 {
        out.summary.broken = true;
        return out;
    }
    let src = Ipv4Addr::new(d[26], d[27], d[28], d[29]);
    let dst = Ipv4Addr::new(d[30], d[31], d[32], d[33]);
    out.summary.src = Some(IpAddr::V4(src));
    out.summary.dst = Some(IpAddr::V4(dst));
    out.summary.proto = Proto::Tcp;
    out.headers.push(Header {
        layer: LayerKind::Internet,
        protocol: "IPv4".into(),
        range: 14..34,
        fields: vec![
            f("Version", "4".into(), "", 14..15),
            f("Header length", "20".into(), "bytes", 14..15),
            f("Total length", be16(d, 16).to_string(), "", 16..18),
            f("TTL", d[22].to_string(), "", 22..23),
            f("Protocol", d[23].to_string(), "TCP", 23..24),
            f("Source", src.to_string(), "", 26..30),
            f("Destination", dst.to_string(), "", 30..34),
        ],
    });
    let sport = be16(d, 34);
    let dport = be16(d, 36);
    out.summary.sport = Some(sport);
    out.summary.dport = Some(dport);
    if d.len() < 54 {
        out.issues.push(Issue {
            kind: IssueKind::Truncated,
            layer: LayerKind::Transport,
            offset: d.len(),
            message: format!(
                "TCP header cut short: 20 bytes needed, {} captured",
                d.len() - 34
            ),
        });
        out.summary.broken = true;
        return out;
    }
    let hlen = usize::from(d[46] >> 4) * 4;
    let flags = be16(d, 46) & 0x0fff;
    let mut opt_fields = Vec::new();
    let mut options = TcpHandshakeOptions::default();
    let mut i = 54;
    while i < 34 + hlen && i < d.len() {
        let kind = d[i];
        let len = if kind <= 1 { 1 } else { usize::from(d[i + 1]) };
        let r = i..i + len;
        match kind {
            1 => opt_fields.push(f("NOP", String::new(), "", r)),
            2 => {
                let mss = be16(d, i + 2);
                options.mss = Some(mss);
                opt_fields.push(f("MSS", mss.to_string(), "bytes", r));
            }
            3 => {
                options.window_scale = Some(d[i + 2]);
                opt_fields.push(f(
                    "Window scale",
                    d[i + 2].to_string(),
                    &format!("(×{})", 1u32 << d[i + 2]),
                    r,
                ));
            }
            4 => {
                options.sack_permitted = true;
                opt_fields.push(f("SACK permitted", String::new(), "", r));
            }
            8 => {
                let (a, b) = (be32(d, i + 2), be32(d, i + 6));
                options.timestamps = Some((a, b));
                opt_fields.push(f("Timestamps", format!("{a} {b}"), "TSval TSecr", r));
            }
            _ => opt_fields.push(f("Unknown", kind.to_string(), "", r)),
        }
        i += len.max(1);
    }
    let mut fields = vec![
        f("Source port", sport.to_string(), "", 34..36),
        f("Destination port", dport.to_string(), "", 36..38),
        f("Sequence", be32(d, 38).to_string(), "", 38..42),
        f("Acknowledgment", be32(d, 42).to_string(), "", 42..46),
        f("Header length", hlen.to_string(), "bytes", 46..47),
        f(
            "Flags",
            format!("0x{flags:03x}"),
            &flag_names(flags),
            46..48,
        ),
        f("Window", be16(d, 48).to_string(), "", 48..50),
    ];
    if !opt_fields.is_empty() {
        let mut o = f("Options", format!("{} bytes", hlen - 20), "", 54..34 + hlen);
        o.children = opt_fields;
        fields.push(o);
    }
    out.headers.push(Header {
        layer: LayerKind::Transport,
        protocol: "TCP".into(),
        range: 34..34 + hlen,
        fields,
    });
    let payload_len = u32::from(be16(d, 16)).saturating_sub(20 + hlen as u32);
    out.summary.tcp = Some(TcpSegment {
        src: SocketAddr::new(IpAddr::V4(src), sport),
        dst: SocketAddr::new(IpAddr::V4(dst), dport),
        flags,
        seq: be32(d, 38),
        ack: be32(d, 42),
        payload_len,
        window: be16(d, 48),
        options,
    });
    let payload = d.get(34 + hlen..).unwrap_or(&[]);
    if !payload.is_empty() {
        let line_end = payload
            .windows(2)
            .position(|w| w == b"\r\n")
            .unwrap_or(payload.len());
        let line = sanitize_bytes(&payload[..line_end]);
        out.headers.push(Header {
            layer: LayerKind::Application,
            protocol: "HTTP".into(),
            range: 34 + hlen..d.len(),
            fields: vec![f(
                "Request line",
                line.clone(),
                "",
                34 + hlen..34 + hlen + line_end,
            )],
        });
        out.app_summary = Some(line);
    }
    let _ = orig_len;
    out
}

/// A decoder backed by [`fake_decode`] that counts full decodes.
#[derive(Clone, Default)]
pub struct FakeDecoder {
    pub decodes: Arc<AtomicUsize>,
}

impl Decoder for FakeDecoder {
    fn summarize(&self, _link: LinkType, data: &[u8], orig_len: u32) -> Summary {
        fake_decode(data, orig_len).summary
    }
    fn decode(&self, _link: LinkType, data: &[u8], orig_len: u32) -> Decoded {
        self.decodes.fetch_add(1, Ordering::SeqCst);
        fake_decode(data, orig_len)
    }
}

pub fn file_app(w: u16, h: u16) -> App {
    App::new(
        SourceKind::File {
            name: "handshake.pcap".into(),
        },
        w,
        h,
    )
    .with_decoder(Box::new(FakeDecoder::default()))
}

pub fn live_app(w: u16, h: u16) -> App {
    App::new(
        SourceKind::Live {
            iface: "eth0".into(),
        },
        w,
        h,
    )
    .with_decoder(Box::new(FakeDecoder::default()))
}

/// The handshake fixture loaded from a file source, finished.
pub fn loaded(w: u16, h: u16) -> App {
    let mut app = file_app(w, h);
    app.update(Msg::Progress {
        bytes_read: 400,
        total_bytes: Some(400),
    });
    app.update(Msg::Frames(handshake_frames()));
    app.update(Msg::Finished(Ok(())));
    app
}

pub fn keys(app: &mut App, keys: &[Key]) {
    for k in keys {
        app.update(Msg::Key(*k));
    }
}

/// Renders `app` on a `TestBackend` of its own size.
pub fn render(app: &App) -> Terminal<TestBackend> {
    let (w, h) = app.size();
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| synack::ui::draw(f, app)).unwrap();
    t
}

/// The rendered screen as text lines (no quotes).
pub fn screen_text(app: &App) -> String {
    let t = render(app);
    let buf = t.backend().buffer();
    let mut out = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

/// Every frame of `assets/demo/NAME`, read with the real file reader.
pub fn demo_frames(name: &str) -> Vec<Frame> {
    let path = format!("{}/assets/demo/{name}", env!("CARGO_MANIFEST_DIR"));
    let reader = synack::source::FileReader::open(path.as_ref()).expect("demo capture opens");
    reader
        .frames()
        .collect::<Result<_, _>>()
        .expect("demo capture reads")
}

//! `--redact` on every screen of every demo scenario: the packet screen for each packet (the
//! list, the layers, the hex and ASCII columns, the explain panel) and the flows screen with
//! each flow's ladder and explain panel. None of the scenario's real addresses may appear in
//! any form: dotted IPv4, IPv6 text (compressed or not), MAC with colons, nor as the ASCII
//! text of a payload (`Host: 10.77.1.2`).

use std::collections::BTreeSet;
use std::net::IpAddr;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use synack::app::{App, Key, Msg, SourceKind};
use synack::decode::decode;

/// Every address the scenario's packets carry, in every textual form it could be shown.
fn real_forms(frames: &[synack::model::Frame]) -> BTreeSet<String> {
    let mut forms = BTreeSet::new();
    for f in frames {
        let d = decode(f.link, &f.data, f.len);
        for h in &d.headers {
            let mut stack: Vec<&synack::decode::Field> = h.fields.iter().collect();
            while let Some(field) = stack.pop() {
                stack.extend(field.children.iter());
                let v = field.value.trim();
                if let Ok(ip) = v.parse::<IpAddr>() {
                    if ip.is_loopback() || ip.is_unspecified() || ip.is_multicast() {
                        continue;
                    }
                    if let IpAddr::V4(a) = ip
                        && a.is_broadcast()
                    {
                        continue;
                    }
                    forms.insert(ip.to_string());
                    if let IpAddr::V6(a) = ip {
                        let full: Vec<String> =
                            a.segments().iter().map(|s| format!("{s:x}")).collect();
                        forms.insert(full.join(":"));
                    }
                } else if v.len() >= 17
                    && v.as_bytes().get(2) == Some(&b':')
                    && v[..17].split(':').count() == 6
                    && v[..17]
                        .split(':')
                        .all(|p| u8::from_str_radix(p, 16).is_ok())
                {
                    let mac = v[..17].to_ascii_lowercase();
                    if mac != "ff:ff:ff:ff:ff:ff"
                        && !mac.starts_with("33:33")
                        && !mac.starts_with("01:00:5e")
                    {
                        forms.insert(mac.clone());
                        forms.insert(mac.to_ascii_uppercase());
                        forms.insert(mac.replace(':', "-"));
                    }
                }
            }
        }
    }
    forms
}

fn text(app: &App) -> String {
    let (w, h) = app.size();
    let mut t = Terminal::new(TestBackend::new(w, h)).expect("backend");
    t.draw(|f| synack::ui::draw(f, app)).expect("draw");
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

fn check(screen: &str, forms: &BTreeSet<String>, what: &str) {
    for real in forms {
        // Compare with the word around it, so `10.0.0.1` does not match inside `110.0.0.13`.
        for (at, _) in screen.match_indices(real.as_str()) {
            let before = screen[..at].chars().next_back();
            let after = screen[at + real.len()..].chars().next();
            let glued = |c: Option<char>| c.is_some_and(|c| c.is_ascii_hexdigit() || c == ':');
            let dotted_more =
                |c: Option<char>| real.contains('.') && c.is_some_and(|c| c.is_ascii_digit());
            if glued(before) || glued(after) || dotted_more(before) || dotted_more(after) {
                continue;
            }
            panic!("{real} visible on {what}:\n{screen}");
        }
    }
}

#[test]
fn no_real_address_on_any_screen_of_any_demo() {
    for name in synack::teach::demo::names() {
        let frames = synack::teach::demo::frames(name).expect("demo");
        let forms = real_forms(&frames);
        assert!(!forms.is_empty(), "{name} has addresses");
        for explain in [false, true] {
            // Wide enough for the split layout (hex beside layers) and the full Info column.
            let mut app = App::new(SourceKind::File { name: name.into() }, 200, 60)
                .with_redact(true)
                .with_explain(explain);
            app.update(Msg::Frames(frames.clone()));
            app.update(Msg::Finished(Ok(())));
            for i in 0..frames.len() {
                check(&text(&app), &forms, &format!("{name} packet {}", i + 1));
                app.update(Msg::Key(Key::Down));
            }
            app.update(Msg::Key(Key::Char('2')));
            let flows = app.flows().order().len();
            for i in 0..flows.max(1) {
                check(&text(&app), &forms, &format!("{name} flow {}", i + 1));
                app.update(Msg::Key(Key::Down));
            }
        }
    }
}

/// An HTTP request whose payload names both ends as text, and a MAC and an IPv6 literal.
fn leaky_frames() -> Vec<synack::model::Frame> {
    use etherparse::PacketBuilder;
    let payload: &[u8] = b"GET /status HTTP/1.1\r\nHost: 10.77.1.2\r\nX-Client: 10.77.1.1\r\n\
        X-Mac: 02:42:0a:4d:01:01\r\nX-V6: fd00:77::2\r\n\r\n";
    let mut data = Vec::new();
    PacketBuilder::ethernet2([2, 0x42, 10, 77, 1, 1], [2, 0x42, 10, 77, 1, 2])
        .ipv4([10, 77, 1, 1], [10, 77, 1, 2], 64)
        .tcp(40000, 80, 1, 64240)
        .psh()
        .ack(1)
        .write(&mut data, payload)
        .expect("packet");
    vec![synack::model::Frame::new(
        1_700_000_000_000_000_000,
        data.len() as u32,
        synack::model::LinkType::ETHERNET,
        data,
    )]
}

#[test]
fn addresses_written_in_a_payload_are_masked_in_the_hex_and_ascii_columns() {
    let frames = leaky_frames();
    let mut forms = real_forms(&frames);
    forms.insert("fd00:77::2".into());
    // Also as the hex digits of the text (`31 30 2e 37 37` is "10.77"), in one row.
    let hex = |s: &str| {
        s.bytes()
            .map(|b| format!("{b:02x}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    for (w, h, keys) in [
        (200u16, 60u16, vec![]),
        (80, 40, vec![Key::Enter, Key::Tab]),
        (200, 60, vec![Key::Char('e')]),
    ] {
        let mut app = App::new(
            SourceKind::File {
                name: "leak.pcap".into(),
            },
            w,
            h,
        )
        .with_redact(true);
        app.update(Msg::Frames(frames.clone()));
        app.update(Msg::Finished(Ok(())));
        for k in keys {
            app.update(Msg::Key(k));
        }
        let screen = text(&app);
        check(&screen, &forms, "the packet screen");
        // The ASCII column shows 16 bytes a row: look for the pieces that would leak.
        for piece in ["10.77", "77.1.", ".77.1", "fd00:", "0a:4d"] {
            assert!(!screen.contains(piece), "{piece} visible:\n{screen}");
            assert!(
                !screen.contains(&hex(piece)),
                "{piece} visible as hex:\n{screen}"
            );
        }
    }
}

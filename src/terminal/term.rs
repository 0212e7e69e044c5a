//! The terminal around the interactive screen: entering and leaving raw mode, the alternate
//! screen and mouse capture; a guard that restores the terminal when dropped; a panic hook
//! that restores it before the panic message is printed; SIGTERM/SIGINT/SIGHUP (and SIGQUIT,
//! SIGUSR1, SIGUSR2) turned into a flag the main loop checks for a clean exit; and reading input events with a timeout,
//! translated into the app's own [`Msg`]s. The only module besides `ui` that knows about
//! crossterm. Depends on `app` (message types), crossterm, ratatui's backend and signal-hook.

use std::io::{self, IsTerminal, Stdout};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, sync_channel};
use std::sync::{Arc, Mutex, Once};
use std::thread::ThreadId;
use std::time::Duration;

use crossterm::cursor::{Hide, Show};
use crossterm::event::{
    self, DisableMouseCapture, EnableMouseCapture, Event, KeyCode, KeyEvent, KeyEventKind,
    KeyModifiers, MouseButton, MouseEventKind,
};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

use crate::app::{Key, Mouse, MouseKind, Msg};

/// Whether this process currently has the terminal in raw/alternate-screen mode.
static ACTIVE: AtomicBool = AtomicBool::new(false);
static PANIC_HOOK: Once = Once::new();

/// Errors setting up the terminal.
#[derive(Debug, thiserror::Error)]
pub enum TermError {
    #[error(
        "synack's interactive screen needs a terminal (stdout must be a TTY, and keys are read \
         from stdin or /dev/tty); for pipes and scripts use `synack dump`"
    )]
    NotATerminal,
    #[error("could not set up the terminal: {0}")]
    Setup(#[source] io::Error),
    #[error("could not install signal handlers: {0}")]
    Signals(#[source] io::Error),
}

/// Puts the terminal back: mouse capture off, main screen, cursor shown, raw mode off.
/// Safe to call any number of times and from a panic hook; does nothing if synack did not
/// take the terminal.
pub fn restore() {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        let mut out = io::stdout();
        // Best effort: the terminal may be gone (SIGHUP); there is nobody to report to.
        let _ = execute!(out, DisableMouseCapture, LeaveAlternateScreen, Show);
        let _ = disable_raw_mode();
    }
}

/// What the first panic in any thread said (thread, place, message; sanitized), once one
/// happened.
static PANIC_NOTE: Mutex<Option<String>> = Mutex::new(None);
/// Set once any thread panicked: the main loop checks it every turn.
static PANICKED: AtomicBool = AtomicBool::new(false);
/// The thread that took the terminal (it runs the main loop).
static UI_THREAD: Mutex<Option<ThreadId>> = Mutex::new(None);
/// How long a panicking thread other than the main loop's waits for the loop to notice and
/// restore the terminal itself, before restoring it from the hook.
const PANIC_HANDOVER: Duration = Duration::from_secs(2);

/// If a thread panicked: which, where and what it said (terminal-safe).
pub fn panic_note() -> Option<String> {
    if !PANICKED.load(Ordering::SeqCst) {
        return None;
    }
    let note = PANIC_NOTE.lock().map(|n| n.clone()).unwrap_or_default();
    Some(note.unwrap_or_else(|| "a thread panicked".into()))
}

fn describe_panic(info: &std::panic::PanicHookInfo<'_>) -> String {
    let thread = std::thread::current();
    let name = thread.name().unwrap_or("unnamed");
    let payload = info
        .payload()
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| info.payload().downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".into());
    let place = info
        .location()
        .map(|l| format!(" at {}:{}", l.file(), l.line()))
        .unwrap_or_default();
    crate::sanitize::sanitize(&format!("thread '{name}' panicked{place}: {payload}"))
}

/// Installs (once) a panic hook for every thread. It records what happened for the main loop
/// ([`panic_note`]). A panic in the main loop's thread restores the terminal at once (that
/// thread is unwinding); one in another thread (capture, input) gives the main loop a moment
/// to notice, leave and restore the terminal itself, so it never draws on a restored
/// terminal, and restores it anyway if the loop does not. Then the previous hook prints the
/// panic message on the normal screen.
pub fn install_panic_hook() {
    PANIC_HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !PANICKED.load(Ordering::SeqCst) {
                if let Ok(mut note) = PANIC_NOTE.lock() {
                    *note = Some(describe_panic(info));
                }
                PANICKED.store(true, Ordering::SeqCst);
            }
            let ui = UI_THREAD.lock().ok().and_then(|t| *t);
            if ui.is_some_and(|t| t != std::thread::current().id()) {
                let start = std::time::Instant::now();
                while ACTIVE.load(Ordering::SeqCst) && start.elapsed() < PANIC_HANDOVER {
                    std::thread::sleep(Duration::from_millis(10));
                }
            }
            restore();
            previous(info);
        }));
    });
}

/// The terminal in interactive mode; restores it when dropped (also during unwinding).
pub struct TerminalGuard {
    terminal: Terminal<CrosstermBackend<Stdout>>,
}

impl TerminalGuard {
    /// Takes the terminal: checks it is one, installs the panic hook, enters raw mode, the
    /// alternate screen and mouse capture.
    pub fn enter() -> Result<TerminalGuard, TermError> {
        // Drawing needs stdout to be the terminal. Keys come from stdin when it is one, else
        // from /dev/tty (crossterm does this), so `tcpdump -w - | synack replay -` works.
        let keyboard = io::stdin().is_terminal()
            || std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .open("/dev/tty")
                .is_ok();
        if !io::stdout().is_terminal() || !keyboard {
            return Err(TermError::NotATerminal);
        }
        install_panic_hook();
        if let Ok(mut t) = UI_THREAD.lock() {
            *t = Some(std::thread::current().id());
        }
        ACTIVE.store(true, Ordering::SeqCst);
        let setup = || -> io::Result<Terminal<CrosstermBackend<Stdout>>> {
            enable_raw_mode()?;
            execute!(io::stdout(), EnterAlternateScreen, EnableMouseCapture, Hide)?;
            let mut terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
            terminal.clear()?;
            Ok(terminal)
        };
        match setup() {
            Ok(terminal) => Ok(TerminalGuard { terminal }),
            Err(e) => {
                restore();
                Err(TermError::Setup(e))
            }
        }
    }

    pub fn terminal(&mut self) -> &mut Terminal<CrosstermBackend<Stdout>> {
        &mut self.terminal
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

/// The signals that end the interactive session cleanly. Besides the usual three, SIGQUIT,
/// SIGUSR1 and SIGUSR2 would otherwise kill synack with the terminal left raw.
pub const ENDING_SIGNALS: [i32; 6] = [
    signal_hook::consts::SIGTERM,
    signal_hook::consts::SIGINT,
    signal_hook::consts::SIGHUP,
    signal_hook::consts::SIGQUIT,
    signal_hook::consts::SIGUSR1,
    signal_hook::consts::SIGUSR2,
];

/// The signals of [`ENDING_SIGNALS`] set a flag instead of killing the process, so the main
/// loop can leave and restore the terminal; a second one while the first is pending exits at
/// once. Which signal came is kept (the program exits with 128 + its number). Unregistered
/// when dropped.
pub struct Signals {
    flag: Arc<AtomicBool>,
    which: Arc<AtomicUsize>,
    ids: Vec<signal_hook::SigId>,
}

impl Signals {
    pub fn register() -> Result<Signals, TermError> {
        let flag = Arc::new(AtomicBool::new(false));
        let which = Arc::new(AtomicUsize::new(0));
        let mut ids = Vec::new();
        for sig in ENDING_SIGNALS {
            // A second signal while the first is still pending ends the process at once
            // (exit status 1), so a stuck session can always be stopped.
            let registered =
                signal_hook::flag::register_conditional_shutdown(sig, 1, Arc::clone(&flag))
                    .and_then(|a| {
                        ids.push(a);
                        let sig_no = usize::try_from(sig).unwrap_or(0);
                        signal_hook::flag::register_usize(sig, Arc::clone(&which), sig_no)
                    })
                    .and_then(|a| {
                        ids.push(a);
                        signal_hook::flag::register(sig, Arc::clone(&flag))
                    });
            match registered {
                Ok(id) => ids.push(id),
                Err(e) => {
                    for id in ids {
                        signal_hook::low_level::unregister(id);
                    }
                    return Err(TermError::Signals(e));
                }
            }
        }
        Ok(Signals { flag, which, ids })
    }

    /// Set once one of the signals arrived.
    pub fn flag(&self) -> &AtomicBool {
        &self.flag
    }

    /// The signal that arrived (the last one), if any.
    pub fn received(&self) -> Option<i32> {
        match self.which.load(Ordering::SeqCst) {
            0 => None,
            n => i32::try_from(n).ok(),
        }
    }
}

impl Drop for Signals {
    fn drop(&mut self) {
        for id in self.ids.drain(..) {
            signal_hook::low_level::unregister(id);
        }
    }
}

/// Something that yields input as app messages, waiting at most `timeout`.
pub trait EventSource {
    fn next(&mut self, timeout: Duration) -> io::Result<Option<Msg>>;
}

/// Input from the real terminal via crossterm, read on a thread of its own so the main loop
/// never blocks inside crossterm: when the terminal hangs up, crossterm's reader spins on
/// end-of-file without returning, and the loop must still see the SIGHUP flag and leave.
/// Each wait also checks that stdout is still a terminal (a hung-up tty is not), so a lost
/// terminal ends the session even without a signal.
#[derive(Debug)]
pub struct CrosstermEvents {
    rx: Receiver<io::Result<Event>>,
}

impl CrosstermEvents {
    /// Starts the input thread (it lives until the process ends or the terminal fails).
    pub fn start() -> io::Result<CrosstermEvents> {
        let (tx, rx) = sync_channel(256);
        std::thread::Builder::new()
            .name("synack-input".into())
            .spawn(move || {
                loop {
                    let ev = event::read();
                    // Test hook: the first key makes this thread panic.
                    crate::fault::panic_if_armed("input");
                    let failed = ev.is_err();
                    if tx.send(ev).is_err() || failed {
                        return;
                    }
                }
            })?;
        Ok(CrosstermEvents { rx })
    }
}

impl EventSource for CrosstermEvents {
    fn next(&mut self, timeout: Duration) -> io::Result<Option<Msg>> {
        if !io::stdout().is_terminal() {
            return Err(io::Error::new(
                io::ErrorKind::BrokenPipe,
                "the terminal went away",
            ));
        }
        match self.rx.recv_timeout(timeout) {
            Ok(Ok(ev)) => Ok(to_msg(ev)),
            Ok(Err(e)) => Err(e),
            Err(RecvTimeoutError::Timeout) => Ok(None),
            Err(RecvTimeoutError::Disconnected) => Err(io::Error::new(
                io::ErrorKind::BrokenPipe,
                "terminal input ended",
            )),
        }
    }
}

fn key_msg(k: KeyEvent) -> Option<Msg> {
    if k.kind == KeyEventKind::Release {
        return None;
    }
    let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
    let key = match k.code {
        KeyCode::Char('c') if ctrl => Key::CtrlC,
        KeyCode::Char('f') if ctrl => Key::CtrlF,
        // Other control chords are not bindings; do not let Ctrl-F act as `f`.
        KeyCode::Char(_) if ctrl || k.modifiers.contains(KeyModifiers::ALT) => return None,
        KeyCode::Char(c) => Key::Char(c),
        KeyCode::Backspace => Key::Backspace,
        KeyCode::Up => Key::Up,
        KeyCode::Down => Key::Down,
        KeyCode::Left => Key::Left,
        KeyCode::Right => Key::Right,
        KeyCode::PageUp => Key::PageUp,
        KeyCode::PageDown => Key::PageDown,
        KeyCode::Home => Key::Home,
        KeyCode::End => Key::End,
        KeyCode::Tab if k.modifiers.contains(KeyModifiers::SHIFT) => Key::BackTab,
        KeyCode::Tab => Key::Tab,
        KeyCode::BackTab => Key::BackTab,
        KeyCode::Enter => Key::Enter,
        KeyCode::Esc => Key::Esc,
        _ => return None,
    };
    Some(Msg::Key(key))
}

/// Translates a crossterm event into an app message (None for events the app ignores).
pub fn to_msg(ev: Event) -> Option<Msg> {
    match ev {
        Event::Key(k) => key_msg(k),
        Event::Mouse(m) => {
            let kind = match m.kind {
                MouseEventKind::Down(MouseButton::Left) => MouseKind::Click,
                MouseEventKind::ScrollUp => MouseKind::ScrollUp,
                MouseEventKind::ScrollDown => MouseKind::ScrollDown,
                _ => return None,
            };
            Some(Msg::Mouse(Mouse {
                kind,
                column: m.column,
                row: m.row,
            }))
        }
        Event::Resize(width, height) => Some(Msg::Resize { width, height }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyEventState, MouseEvent};

    fn key(code: KeyCode, modifiers: KeyModifiers) -> Event {
        Event::Key(KeyEvent {
            code,
            modifiers,
            kind: KeyEventKind::Press,
            state: KeyEventState::NONE,
        })
    }

    #[test]
    fn keys_translate() {
        assert_eq!(
            to_msg(key(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Msg::Key(Key::CtrlC))
        );
        assert_eq!(
            to_msg(key(KeyCode::Char('G'), KeyModifiers::SHIFT)),
            Some(Msg::Key(Key::Char('G')))
        );
        assert_eq!(
            to_msg(key(KeyCode::Char('f'), KeyModifiers::CONTROL)),
            Some(Msg::Key(Key::CtrlF))
        );
        assert_eq!(to_msg(key(KeyCode::Char('x'), KeyModifiers::CONTROL)), None);
        assert_eq!(
            to_msg(key(KeyCode::BackTab, KeyModifiers::SHIFT)),
            Some(Msg::Key(Key::BackTab))
        );
        assert_eq!(
            to_msg(key(KeyCode::Tab, KeyModifiers::SHIFT)),
            Some(Msg::Key(Key::BackTab))
        );
        assert_eq!(to_msg(key(KeyCode::F(5), KeyModifiers::NONE)), None);
        let release = Event::Key(KeyEvent {
            code: KeyCode::Char('q'),
            modifiers: KeyModifiers::NONE,
            kind: KeyEventKind::Release,
            state: KeyEventState::NONE,
        });
        assert_eq!(to_msg(release), None);
    }

    #[test]
    fn mouse_and_resize_translate() {
        let m = |kind| {
            Event::Mouse(MouseEvent {
                kind,
                column: 3,
                row: 7,
                modifiers: KeyModifiers::NONE,
            })
        };
        assert_eq!(
            to_msg(m(MouseEventKind::Down(MouseButton::Left))),
            Some(Msg::Mouse(Mouse {
                kind: MouseKind::Click,
                column: 3,
                row: 7
            }))
        );
        assert_eq!(to_msg(m(MouseEventKind::Down(MouseButton::Right))), None);
        assert!(matches!(
            to_msg(m(MouseEventKind::ScrollDown)),
            Some(Msg::Mouse(Mouse {
                kind: MouseKind::ScrollDown,
                ..
            }))
        ));
        assert_eq!(
            to_msg(Event::Resize(100, 30)),
            Some(Msg::Resize {
                width: 100,
                height: 30
            })
        );
    }

    #[test]
    fn restore_without_setup_is_a_no_op() {
        // Must not touch the terminal (or panic) when synack never took it.
        restore();
        restore();
        assert!(!ACTIVE.load(Ordering::SeqCst));
    }
}

//! The classroom lesson on top of a paced replay: scenario navigation in `synack demo` (`<` /
//! `>` wrapping, the `M` menu of scenarios, the closing card after a scenario's last packet,
//! and the `2/12 · refused` indicator's numbers), flag words in the packet list (`synack demo`,
//! `replay --lesson`) and predict-then-reveal (`--quiz`, `p` toggles): the questions of
//! `teach::quiz` are made from the packets as they are loaded, the replay stops just before a
//! packet a question is about (whatever moved it there: `n`, `N`, playing, `:`), and `n` or
//! `Enter` shows the packet with the answer's field selected in the layers (so its bytes are
//! highlighted in the hex pane) and the answer in a card. Kept apart from `playback` (which it
//! drives through `seek_packet` and `load_scenario`); no clock, no I/O.

use std::collections::BTreeSet;

use crate::decode::LayerKind;
use crate::teach::demo::{self, SCENARIOS, Scenario};
use crate::teach::quiz::{Question, QuizBuilder};

use ratatui::layout::Rect;

use super::layout::{DetailLayout, PacketLayout};
use super::shown::Shown;
use super::{App, Key, Screen};

/// Folded layers in the lesson ([`LayerKind::ALL`]'s order): all but Transport.
const LESSON_FOLDS: [bool; 4] = [true, true, false, true];
/// Smallest screen (rows above the status bar, columns) the lesson layout is used on.
const LESSON_MIN_ROWS: u16 = 14;
const LESSON_MIN_WIDTH: u16 = 60;

/// The lesson's state (all off for an ordinary replay).
#[derive(Clone, Debug, Default)]
pub struct Lesson {
    /// The packet list says SYN, SYN-ACK… instead of tcpdump's flag letters.
    words: bool,
    /// The scenario menu is open with this row selected.
    menu: Option<usize>,
    /// The closing card was closed (Esc) at the end of the scenario.
    card_closed: bool,
    /// Predict, then reveal.
    quiz: bool,
    builder: QuizBuilder,
    /// Store positions fed to the builder so far.
    fed: usize,
    questions: Vec<Question>,
    /// Packets (frame numbers) whose question was answered or skipped.
    revealed: BTreeSet<u64>,
    /// The question waiting for the reveal key (index into `questions`).
    asked: Option<usize>,
    /// The answer card shown until the next key (index into `questions`).
    answer: Option<usize>,
}

impl Lesson {
    /// Forgets what belongs to one capture (a demo moving to another scenario).
    fn new_capture(&mut self) {
        *self = Lesson {
            words: self.words,
            quiz: self.quiz,
            ..Lesson::default()
        };
    }
}

/// What a demo's closing card shows.
#[derive(Clone, Copy, Debug)]
pub struct ClosingCard {
    pub scenario: &'static Scenario,
    pub next: &'static Scenario,
}

impl App {
    /// The lesson look: flag words in the packet list (`synack demo`, `replay --lesson`).
    pub fn with_lesson(mut self, on: bool) -> App {
        self.lesson.words = on;
        self.fold_for_lesson();
        self
    }

    /// The lesson opens the Transport layer and folds the others to one line each.
    fn fold_for_lesson(&mut self) {
        if self.lesson.words {
            let layout = self.packet_layout();
            self.packets.set_folded(LESSON_FOLDS, &layout);
        }
    }

    /// The lesson's packet screen over `area` (`synack demo`, `replay --lesson`, with the
    /// explain panel open): the packet list just as tall as the capture needs (at most a
    /// third of the screen), under it the layers on the left, and on the right the selected
    /// packet's ladder above the explain panel (the layout's `hex` pane). Returns the layout
    /// and the ladder's rectangle; None outside a lesson, with the panel closed, or on a
    /// terminal too small for it (the ordinary layout is used then).
    pub fn lesson_layout(&self, area: Rect) -> Option<(PacketLayout, Rect)> {
        if !self.lesson.words || !self.explain {
            return None;
        }
        let status_h = self.status_rows_for(area.width).min(area.height);
        let rest = area.height.saturating_sub(status_h);
        if rest < LESSON_MIN_ROWS || area.width < LESSON_MIN_WIDTH {
            return None;
        }
        // Rows needed: every loaded packet, the column header and the border.
        let needed = u16::try_from(self.store.len().saturating_add(3)).unwrap_or(u16::MAX);
        let list_h = needed.clamp(5, (rest / 3).max(5));
        let below = rest - list_h;
        let layers_w = if area.width >= 120 {
            area.width * 11 / 20
        } else {
            area.width / 2
        };
        let right_w = area.width - layers_w;
        let ladder_h = below / 2;
        let list = Rect::new(area.x, area.y, area.width, list_h);
        let top = area.y + list_h;
        let layers = Rect::new(area.x, top, layers_w, below);
        let ladder = Rect::new(area.x + layers_w, top, right_w, ladder_h);
        let explain = Rect::new(area.x + layers_w, top + ladder_h, right_w, below - ladder_h);
        let status = Rect::new(area.x, area.y + rest, area.width, status_h);
        Some((
            PacketLayout {
                list,
                detail: DetailLayout::Split {
                    layers,
                    hex: explain,
                },
                status,
            },
            ladder,
        ))
    }

    /// Predict, then reveal (`--quiz`): the replay stops before each packet a question is
    /// about.
    pub fn with_quiz(mut self, on: bool) -> App {
        self.lesson.quiz = on;
        self
    }

    /// Whether the packet list says flags in words.
    pub fn flag_words(&self) -> bool {
        self.lesson.words
    }

    /// Whether predict-then-reveal is on.
    pub fn quiz_on(&self) -> bool {
        self.lesson.quiz
    }

    /// The questions made so far from the loaded packets (only while the quiz is on).
    pub fn quiz_questions(&self) -> &[Question] {
        &self.lesson.questions
    }

    /// The question on screen, waiting for the reveal key: the replay is paused just before
    /// the packet it is about.
    pub fn quiz_question(&self) -> Option<&Question> {
        let q = self.lesson.questions.get(self.lesson.asked?)?;
        (self.released.saturating_add(1) == q.packet_no).then_some(q)
    }

    /// The answer on screen (the question's packet is shown, its field selected).
    pub fn quiz_answer(&self) -> Option<&Question> {
        let q = self.lesson.questions.get(self.lesson.answer?)?;
        (self.released == q.packet_no).then_some(q)
    }

    /// A demo's place in the lesson: (1-based position, number of scenarios, name).
    pub fn demo_position(&self) -> Option<(usize, usize, &'static str)> {
        let sc = self.player.as_ref()?.demo()?;
        let i = demo::position(sc.name)?;
        Some((i + 1, SCENARIOS.len(), sc.name))
    }

    /// The scenario menu's selected row, while it is open.
    pub fn scenario_menu(&self) -> Option<usize> {
        self.lesson.menu
    }

    /// The closing card, shown once a demo scenario's last packet is shown (until Esc).
    pub fn closing_card(&self) -> Option<ClosingCard> {
        if self.lesson.card_closed || self.lesson.menu.is_some() || !self.demo_done() {
            return None;
        }
        let scenario = self.player.as_ref()?.demo()?;
        Some(ClosingCard {
            scenario,
            next: demo::next_wrapping(scenario.name),
        })
    }

    fn demo_done(&self) -> bool {
        self.player.as_ref().is_some_and(|p| p.demo().is_some())
            && self
                .progress()
                .is_some_and(|p| p.state == crate::replay::PlayState::Done)
    }

    /// A key for the lesson (menu, closing card, quiz, `<` `>` `M` `p`); true when taken.
    pub(super) fn on_lesson_key(&mut self, key: Key) -> bool {
        self.lesson.answer = None;
        if !self.demo_done() {
            // Left the end: the card comes back when the end is reached again.
            self.lesson.card_closed = false;
        }
        if self.lesson.menu.is_some() {
            self.on_menu_key(key);
            return true;
        }
        if self.quiz_question().is_some() {
            match key {
                Key::Char('n') | Key::Char(' ') | Key::Enter | Key::Right => {
                    self.reveal();
                    return true;
                }
                Key::Esc => {
                    // Skipped: the packet stays hidden until the teacher moves on.
                    if let Some(q) = self.lesson.asked.take()
                        && let Some(no) = self.lesson.questions.get(q).map(|q| q.packet_no)
                    {
                        self.lesson.revealed.insert(no);
                    }
                    return true;
                }
                _ => {}
            }
        }
        if self.closing_card().is_some() {
            match key {
                Key::Enter => {
                    self.move_scenario(true);
                    return true;
                }
                Key::Esc => {
                    self.lesson.card_closed = true;
                    return true;
                }
                _ => {}
            }
        }
        let in_demo = self.player.as_ref().is_some_and(|p| p.demo().is_some());
        match key {
            Key::Char('>') if in_demo => self.move_scenario(true),
            Key::Char('<') if in_demo => self.move_scenario(false),
            Key::Char('M') if in_demo => {
                self.lesson.menu = Some(self.demo_position().map_or(0, |(i, _, _)| i - 1));
            }
            Key::Char('p') if self.player.is_some() => {
                self.lesson.quiz = !self.lesson.quiz;
                self.lesson.asked = None;
                self.notice = Some(if self.lesson.quiz {
                    "quiz on: the replay stops with a question before each packet it asks about"
                        .into()
                } else {
                    "quiz off".into()
                });
            }
            _ => return false,
        }
        true
    }

    fn on_menu_key(&mut self, key: Key) {
        let Some(row) = self.lesson.menu else {
            return;
        };
        let last = SCENARIOS.len() - 1;
        match key {
            Key::Up | Key::Char('k') => self.lesson.menu = Some(row.saturating_sub(1)),
            Key::Down | Key::Char('j') => self.lesson.menu = Some((row + 1).min(last)),
            Key::Home | Key::Char('g') => self.lesson.menu = Some(0),
            Key::End | Key::Char('G') => self.lesson.menu = Some(last),
            Key::Char(c @ '1'..='9') => {
                let i = usize::from(c as u8 - b'1');
                if let Some(sc) = SCENARIOS.get(i) {
                    self.lesson.menu = None;
                    self.open_scenario(sc);
                }
            }
            Key::Enter => {
                self.lesson.menu = None;
                if let Some(sc) = SCENARIOS.get(row) {
                    self.open_scenario(sc);
                }
            }
            Key::Esc | Key::Char('M') | Key::Char('q') => self.lesson.menu = None,
            _ => {}
        }
    }

    /// `>` / `<`: the next or previous scenario, wrapping around.
    fn move_scenario(&mut self, forward: bool) {
        let Some(current) = self.player.as_ref().and_then(|p| p.demo()) else {
            return;
        };
        let target = if forward {
            demo::next_wrapping(current.name)
        } else {
            demo::previous_wrapping(current.name)
        };
        self.open_scenario(target);
    }

    /// Loads scenario `sc` from the binary, paused on its first packet.
    pub fn open_scenario(&mut self, sc: &'static Scenario) {
        match sc.frames() {
            Ok(frames) => {
                self.lesson.new_capture();
                self.load_scenario(sc, frames);
                self.fold_for_lesson();
            }
            Err(e) => self.notice = Some(crate::sanitize::sanitize(&e.to_string())),
        }
    }

    /// Shows the packet the question is about, paused, with the answer's field selected.
    fn reveal(&mut self) {
        let Some(i) = self.lesson.asked.take() else {
            return;
        };
        let Some(q) = self.lesson.questions.get(i) else {
            return;
        };
        let (no, field) = (q.packet_no, q.field());
        self.lesson.revealed.insert(no);
        self.seek_packet(usize::try_from(no).unwrap_or(usize::MAX));
        self.screen = Screen::Packets;
        let layout = self.packet_layout();
        let shown = Shown::filtered(
            &self.store,
            self.released_index(),
            self.find.packet_filter(),
        );
        // The packet is the newest released one: the selection follows it.
        if let Some(Ok(row)) = self.store.index_of_frame(no).and_then(|i| shown.row_of(i)) {
            self.packets
                .select(row, &shown, &layout, self.decoder.as_ref());
            self.packets
                .select_field(LayerKind::Transport, field, &layout);
        }
        self.lesson.answer = Some(i);
    }

    /// Makes questions from packets loaded since the last call (while the quiz is on).
    fn feed_quiz(&mut self) {
        if !self.lesson.quiz {
            return;
        }
        while let Some(view) = self.store.get(self.lesson.fed) {
            if let Some(seg) = view.summary.tcp {
                let no = view.number.saturating_add(1);
                if let Some(q) = self.lesson.builder.feed(no, &seg) {
                    self.lesson.questions.push(q);
                }
            }
            self.lesson.fed += 1;
        }
    }

    /// After any message: when the quiz is on and packets were released past one a question
    /// is about (`before` was the last released packet), go back to just before it and ask.
    pub(super) fn quiz_after(&mut self, before: u64) {
        if !self.lesson.quiz || self.player.is_none() {
            return;
        }
        self.feed_quiz();
        let now = self.released;
        if now <= before {
            return;
        }
        let revealed = &self.lesson.revealed;
        let Some(i) = self.lesson.questions.iter().position(|q| {
            q.packet_no > before && q.packet_no <= now && !revealed.contains(&q.packet_no)
        }) else {
            return;
        };
        let Some(no) = self.lesson.questions.get(i).map(|q| q.packet_no) else {
            return;
        };
        self.seek_packet(usize::try_from(no.saturating_sub(1)).unwrap_or(usize::MAX));
        self.lesson.asked = Some(i);
    }
}

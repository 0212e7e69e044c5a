//! The packets the screens may show: the store's first `len` packets. During a paced replay the
//! store already holds every loaded packet, but only those the replay clock has released are
//! listed, decoded and counted; live captures and `--instant` replays release everything at
//! once. With a display filter applied the view lists only the matching packets: row `r` is
//! the `r`-th match, and a [`PacketView`] it hands out carries that row as its `index` (what
//! selection and scrolling count). A borrowed, copyable view; depends on the app's store and
//! filtering modules.

use super::filtering::FilterPass;
use super::store::{PacketStore, PacketView};
use crate::model::TimestampNs;

/// The released prefix of a [`PacketStore`].
#[derive(Clone, Copy, Debug)]
pub struct Shown<'a> {
    store: &'a PacketStore,
    len: usize,
    /// The display filter's matches, when one is applied.
    rows: Option<&'a FilterPass>,
}

impl<'a> Shown<'a> {
    /// The first `len` packets of `store` (fewer if it holds fewer).
    pub fn new(store: &'a PacketStore, len: usize) -> Shown<'a> {
        Shown {
            store,
            len: len.min(store.len()),
            rows: None,
        }
    }

    /// The first `len` packets of `store` that `filter` matched (all of them without one).
    pub fn filtered(store: &'a PacketStore, len: usize, filter: Option<&'a FilterPass>) -> Self {
        Shown {
            rows: filter,
            ..Shown::new(store, len)
        }
    }

    /// Whether a display filter narrows the list.
    pub fn is_filtered(&self) -> bool {
        self.rows.is_some()
    }

    /// Packets released (shown when no filter narrows them).
    pub fn released(&self) -> usize {
        self.len
    }

    /// The store position of `row`.
    pub fn position(&self, row: usize) -> Option<usize> {
        let pos = match self.rows {
            None => row,
            Some(f) => {
                let number = f.number(row)?;
                usize::try_from(number.checked_sub(self.store.evicted())?).ok()?
            }
        };
        (pos < self.len).then_some(pos)
    }

    /// The row of store position `pos`: `Ok` when listed, `Err(row)` of the next listed
    /// packet when the filter hides it. `None` when it is not released.
    pub fn row_of(&self, pos: usize) -> Option<Result<usize, usize>> {
        if pos >= self.len {
            return None;
        }
        Some(match self.rows {
            None => Ok(pos),
            Some(f) => f.row_of(self.store.evicted().saturating_add(pos as u64)),
        })
    }

    /// Every packet of `store`.
    pub fn all(store: &'a PacketStore) -> Shown<'a> {
        Shown::new(store, store.len())
    }

    /// Rows listed.
    pub fn len(&self) -> usize {
        match self.rows {
            None => self.len,
            Some(f) => f.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The packet at row `index` if it is listed (its `index` is the row).
    pub fn get(&self, index: usize) -> Option<PacketView<'a>> {
        let pos = self.position(index)?;
        let mut view = self.store.get(pos)?;
        view.index = index;
        Some(view)
    }

    /// The store.
    pub fn store(&self) -> &'a PacketStore {
        self.store
    }

    /// Timestamp of the first packet (the list's time origin), released or not.
    pub fn first_ts(&self) -> Option<TimestampNs> {
        self.store.first_ts()
    }

    /// Every loaded packet, released or not.
    pub fn loaded(&self) -> usize {
        self.store.len()
    }
}

impl super::App {
    /// The packets the packet list shows: those released (all of them unless a replay
    /// holds some back) that the display filter, if any, matched.
    pub fn shown(&self) -> Shown<'_> {
        Shown::filtered(
            &self.store,
            self.released_index(),
            self.find.packet_filter(),
        )
    }

    /// Bytes on the wire of the shown packets.
    pub fn shown_bytes(&self) -> u64 {
        self.released_bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Frame, LinkType};

    #[test]
    fn only_the_prefix_is_visible() {
        let mut s = PacketStore::new();
        for i in 0..3 {
            s.push(&Frame::new(i, 1, LinkType::ETHERNET, vec![1]));
        }
        let v = Shown::new(&s, 2);
        assert_eq!((v.len(), v.loaded()), (2, 3));
        assert!(v.get(1).is_some() && v.get(2).is_none());
        assert_eq!(Shown::new(&s, 9).len(), 3);
        assert!(Shown::new(&s, 0).is_empty());
        assert_eq!(Shown::all(&s).len(), 3);
    }
}

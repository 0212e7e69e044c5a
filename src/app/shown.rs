//! The packets the screens may show: the store's first `len` packets. During a paced replay the
//! store already holds every loaded packet, but only those the replay clock has released are
//! listed, decoded and counted; live captures and `--instant` replays release everything at
//! once. A borrowed, copyable view; depends on the app's store only.

use super::store::{PacketStore, PacketView};
use crate::model::TimestampNs;

/// The released prefix of a [`PacketStore`].
#[derive(Clone, Copy, Debug)]
pub struct Shown<'a> {
    store: &'a PacketStore,
    len: usize,
}

impl<'a> Shown<'a> {
    /// The first `len` packets of `store` (fewer if it holds fewer).
    pub fn new(store: &'a PacketStore, len: usize) -> Shown<'a> {
        Shown {
            store,
            len: len.min(store.len()),
        }
    }

    /// Every packet of `store`.
    pub fn all(store: &'a PacketStore) -> Shown<'a> {
        Shown::new(store, store.len())
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Packet `index` if it is released.
    pub fn get(&self, index: usize) -> Option<PacketView<'a>> {
        if index < self.len {
            self.store.get(index)
        } else {
            None
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Frame, LinkType};

    #[test]
    fn only_the_prefix_is_visible() {
        let mut s = PacketStore::new();
        for i in 0..3 {
            s.push(&Frame {
                ts_ns: i,
                len: 1,
                link: LinkType::ETHERNET,
                data: vec![1],
            });
        }
        let v = Shown::new(&s, 2);
        assert_eq!((v.len(), v.loaded()), (2, 3));
        assert!(v.get(1).is_some() && v.get(2).is_none());
        assert_eq!(Shown::new(&s, 9).len(), 3);
        assert!(Shown::new(&s, 0).is_empty());
        assert_eq!(Shown::all(&s).len(), 3);
    }
}

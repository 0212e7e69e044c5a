//! Tests of the whole filter engine on real packets.

//! AFL++ target: the first byte picks a link type, the rest is one frame, taken through
//! decoder, dump output and flow tracker (`fuzz/pipeline.rs`). Reaches deep decoder states
//! faster than `reader`, which must first get a file header right.

// Each target uses part of the shared pipeline.
#[allow(dead_code)]
#[path = "../../pipeline.rs"]
mod pipeline;

fn main() {
    afl::fuzz!(|data: &[u8]| {
        pipeline::run_packet(data);
    });
}

//! AFL++ target: the input is a whole capture file (pcap or pcapng, any link type), read from
//! memory and taken through reader, decoder, dump output and flow tracker (`fuzz/pipeline.rs`).

// Each target uses part of the shared pipeline.
#[allow(dead_code)]
#[path = "../../pipeline.rs"]
mod pipeline;

fn main() {
    afl::fuzz!(|data: &[u8]| {
        let _ = pipeline::run_capture(data);
    });
}

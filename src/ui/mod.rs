pub mod flow_list;
pub mod ladder;
pub mod palette;

//! The `mosquitto` broker command.

fn main() {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    std::process::exit(mosquitto::broker::command::main(&args));
}

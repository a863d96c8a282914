//! The `mosquitto_passwd` command: manage a broker's password file.

fn main() {
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    let mut io = mosquitto::broker::auth::passwd::SystemIo::new();
    std::process::exit(mosquitto::broker::auth::passwd::run(&args, &mut io));
}

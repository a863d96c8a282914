//! `make install` and pkg-config: the installed tree is complete, and a C program built with
//! the flags pkg-config gives, against the shared and against the static library, runs and
//! loads what it should.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use common::{TempDir, ensure_library_built, have_program, repo_root, run};

const LIMIT: Duration = Duration::from_secs(120);

/// README's command line linking a program with the static archive, the C library staying
/// shared (`-l:` takes the archive even where the shared library is installed too).
const STATIC_COMMAND: &str = "cc -o prog prog.c $(pkg-config --cflags libmosquitto) -Wl,--gc-sections \\
    $(pkg-config --static --libs libmosquitto | sed 's/-lmosquitto\\b/-l:libmosquitto.a/')";

/// README's command line for a fully static program (glibc's static libraries).
const FULLY_STATIC_COMMAND: &str = "cc -static -o prog prog.c $(pkg-config --cflags libmosquitto) -Wl,--gc-sections \\
    $(pkg-config --static --libs libmosquitto)";

#[test]
fn readme_gives_the_tested_link_commands() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    for command in [STATIC_COMMAND, FULLY_STATIC_COMMAND] {
        assert!(
            readme.contains(command),
            "README.md must give, as tested:\n{command}"
        );
    }
}

/// A C program that uses the library and prints where libmosquitto came from.
const PROGRAM: &str = r#"
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <string.h>
#include <mosquitto.h>
#include <mqtt_protocol.h>

int main(void)
{
    int major, minor, revision;
    char line[512];
    const char *from = "static";
    FILE *maps = fopen("/proc/self/maps", "r");
    while(maps && fgets(line, sizeof line, maps)){
        char *path = strchr(line, '/');
        if(path && strstr(path, "libmosquitto.so")){
            path[strcspn(path, "\n")] = '\0';
            from = path;
            break;
        }
    }
    mosquitto_lib_init();
    mosquitto_lib_version(&major, &minor, &revision);
    struct mosquitto *m = mosquitto_new(NULL, true, NULL);
    printf("version %d.%d.%d client %s publish-without-connection %d from %s\n", major, minor, revision,
           m ? "ok" : "failed", mosquitto_publish(m, NULL, "t", 0, NULL, 0, false), from);
    mosquitto_destroy(m);
    mosquitto_lib_cleanup();
    return CMD_PUBLISH == 0x30 ? 0 : 1;
}
"#;

/// A C program that uses only the helper library: a password hash and a string copy.
const COMMON_PROGRAM: &str = r#"
#include <stdio.h>
#include <string.h>
#include <mosquitto/libcommon_memory.h>
#include <mosquitto/libcommon_password.h>

int main(void)
{
    struct mosquitto_pw *pw = NULL;
    char *s = mosquitto_strdup("secret");
    int ok = s && mosquitto_pw_new(&pw, MOSQ_PW_SHA512_PBKDF2) == MOSQ_ERR_SUCCESS
        && mosquitto_pw_hash_encoded(pw, s) == MOSQ_ERR_SUCCESS
        && mosquitto_pw_verify(pw, "secret") == MOSQ_ERR_SUCCESS
        && !strncmp(mosquitto_pw_get_encoded(pw), "$7$", 3);
    mosquitto_pw_cleanup(pw);
    mosquitto_FREE(s);
    printf("common %s\n", ok && !s ? "ok" : "failed");
    return ok ? 0 : 1;
}
"#;

/// Whether `objdump -h` lists a DWARF section (`.debug_*`).
fn has_debug_sections(objdump: &str) -> bool {
    objdump.lines().any(|l| {
        l.split_whitespace()
            .nth(1)
            .is_some_and(|name| name.starts_with(".debug_"))
    })
}

fn sh(cmd: &mut Command, what: &str) -> String {
    let out = run(cmd, LIMIT, None).unwrap_or_else(|e| panic!("{what}: {e}"));
    out.assert_success(what);
    out.stdout_str()
}

fn pkg_config(prefix: &Path, args: &[&str]) -> Vec<String> {
    pkg_config_of("libmosquitto", prefix, args)
}

fn pkg_config_of(module: &str, prefix: &Path, args: &[&str]) -> Vec<String> {
    let out = sh(
        Command::new("pkg-config")
            .args(args)
            .arg(module)
            .env("PKG_CONFIG_PATH", prefix.join("lib/pkgconfig")),
        "pkg-config",
    );
    out.split_whitespace().map(str::to_owned).collect()
}

#[test]
fn make_install_and_pkg_config() {
    if !have_program("pkg-config") || !have_program("cc") {
        panic!("this test needs pkg-config and a C compiler");
    }
    ensure_library_built();
    let dir = TempDir::new("install");
    let prefix = dir.join("prefix");
    sh(
        Command::new("make")
            .arg("-s")
            .arg("install")
            .arg(format!("PREFIX={}", prefix.display()))
            .current_dir(repo_root()),
        "make install",
    );
    for file in [
        "lib/libmosquitto.so.1",
        "lib/libmosquitto.so",
        "lib/libmosquitto.a",
        "include/mosquitto.h",
        "include/mqtt_protocol.h",
        "include/mosquitto/libmosquitto.h",
        "include/mosquitto/mqtt_protocol.h",
        "include/mosquitto/libcommon_properties.h",
        "include/mosquitto/libmosquitto_common.h",
        "include/mosquitto/libcommon_memory.h",
        "include/mosquitto/libcommon_password.h",
        "lib/libmosquitto_common.so.1",
        "lib/libmosquitto_common.so",
        "lib/pkgconfig/libmosquitto.pc",
        "lib/pkgconfig/libmosquitto_common.pc",
    ] {
        assert!(prefix.join(file).exists(), "make install did not install {file}");
    }
    assert_eq!(
        std::fs::read_link(prefix.join("lib/libmosquitto.so")).unwrap(),
        Path::new("libmosquitto.so.1"),
        "libmosquitto.so links to the versioned library"
    );

    let src = dir.join("prog.c");
    std::fs::write(&src, PROGRAM).unwrap();
    let cflags = pkg_config(&prefix, &["--cflags"]);
    assert!(
        cflags
            .iter()
            .any(|f| f == &format!("-I{}", prefix.join("include").display())),
        "{cflags:?}"
    );

    // Shared: the program loads the installed library.
    let libs = pkg_config(&prefix, &["--libs"]);
    let exe = dir.join("prog-shared");
    sh(
        Command::new("cc")
            .args(["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic"])
            .args(&cflags)
            .arg("-o")
            .arg(&exe)
            .arg(&src)
            .args(&libs),
        "build with pkg-config --libs",
    );
    let lib_dir = prefix.join("lib");
    let out = sh(
        Command::new(&exe).env("LD_LIBRARY_PATH", &lib_dir),
        "run the shared build",
    );
    assert!(
        out.contains(&format!("from {}", lib_dir.join("libmosquitto.so.1").display())),
        "the shared build must load the installed library: {out}"
    );
    assert!(out.contains("client ok publish-without-connection 4"), "{out}");

    // Installed as distributions install: no debug information left in the libraries.
    for lib in [
        "lib/libmosquitto.so.1",
        "lib/libmosquitto_common.so.1",
        "lib/libmosquitto.a",
    ] {
        let sections = sh(
            Command::new("objdump").arg("-h").arg(prefix.join(lib)),
            "objdump -h",
        );
        assert!(
            !has_debug_sections(&sections),
            "{lib} still has debug information"
        );
    }

    // Static: the commands README gives, run as they are written, with the shared library
    // installed beside the archive.
    for (command, name) in [(STATIC_COMMAND, "static"), (FULLY_STATIC_COMMAND, "fully static")] {
        let _ = std::fs::remove_file(dir.join("prog"));
        sh(
            Command::new("sh")
                .arg("-c")
                .arg(command)
                .current_dir(dir.path())
                .env("PKG_CONFIG_PATH", prefix.join("lib/pkgconfig")),
            &format!("the {name} link command of README"),
        );
        let needed = sh(
            Command::new("readelf").arg("-d").arg(dir.join("prog")),
            "readelf -d",
        );
        assert!(
            !needed.contains("libmosquitto"),
            "the {name} build must not need a shared libmosquitto: {needed}"
        );
        let headers = sh(
            Command::new("readelf").arg("-l").arg(dir.join("prog")),
            "readelf -l",
        );
        assert_eq!(
            headers.contains("INTERP"),
            name == "static",
            "only the fully static build has no dynamic loader: {headers}"
        );
        let out = sh(
            Command::new(dir.join("prog")).env_remove("LD_LIBRARY_PATH"),
            &format!("run the {name} build"),
        );
        assert!(
            out.contains("from static"),
            "the {name} build must not load a shared libmosquitto: {out}"
        );
        assert!(out.contains("client ok publish-without-connection 4"), "{out}");
    }

    // With DEBUGDIR, the debug information goes to a file named after the build id, which the
    // stripped library points to.
    let debug = dir.join("debug");
    let staged = dir.join("with-debug");
    sh(
        Command::new("make")
            .arg("-s")
            .arg("install")
            .arg(format!("PREFIX={}", staged.display()))
            .arg(format!("DEBUGDIR={}", debug.display()))
            .current_dir(repo_root()),
        "make install DEBUGDIR",
    );
    let sections = sh(
        Command::new("objdump")
            .arg("-h")
            .arg(staged.join("lib/libmosquitto.so.1")),
        "objdump -h",
    );
    assert!(
        sections.contains(".gnu_debuglink") && !sections.contains(".debug_"),
        "{sections}"
    );
    let notes = sh(
        Command::new("readelf")
            .arg("-n")
            .arg(staged.join("lib/libmosquitto.so.1")),
        "readelf -n",
    );
    let id = notes
        .lines()
        .find_map(|l| l.trim().strip_prefix("Build ID: "))
        .expect("a build id");
    let file = debug
        .join(".build-id")
        .join(&id[..2])
        .join(format!("{}.debug", &id[2..]));
    let sections = sh(Command::new("objdump").arg("-h").arg(&file), "objdump -h");
    assert!(has_debug_sections(&sections), "{}: {sections}", file.display());

    // The helper library alone, through its own pkg-config module.
    let src = dir.join("common.c");
    std::fs::write(&src, COMMON_PROGRAM).unwrap();
    let exe = dir.join("common-shared");
    sh(
        Command::new("cc")
            .args(["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic"])
            .args(pkg_config_of("libmosquitto_common", &prefix, &["--cflags"]))
            .arg("-o")
            .arg(&exe)
            .arg(&src)
            .args(pkg_config_of("libmosquitto_common", &prefix, &["--libs"])),
        "build with pkg-config --libs libmosquitto_common",
    );
    let out = sh(
        Command::new(&exe).env("LD_LIBRARY_PATH", &lib_dir),
        "run the helper library program",
    );
    assert!(out.contains("common ok"), "{out}");

    // DESTDIR stages the same tree under another root.
    let stage = dir.join("stage");
    sh(
        Command::new("make")
            .arg("-s")
            .arg("install")
            .arg("PREFIX=/usr/local")
            .arg(format!("DESTDIR={}", stage.display()))
            .current_dir(repo_root()),
        "make install DESTDIR",
    );
    assert!(stage.join("usr/local/lib/libmosquitto.so.1").exists());
    let pc = std::fs::read_to_string(stage.join("usr/local/lib/pkgconfig/libmosquitto.pc")).unwrap();
    assert!(pc.contains("prefix=/usr/local"), "{pc}");
}

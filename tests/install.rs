//! `make install` and pkg-config: the installed tree is complete, and a C program built with
//! the flags pkg-config gives, against the shared and against the static library, runs and
//! loads what it should.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use common::{TempDir, ensure_library_built, have_program, repo_root, run};

const LIMIT: Duration = Duration::from_secs(120);

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

    // Static: everything the archive needs is in pkg-config --static --libs, and no shared
    // libmosquitto is loaded.
    let static_libs = pkg_config(&prefix, &["--static", "--libs"]);
    let exe = dir.join("prog-static");
    let mut cmd = Command::new("cc");
    cmd.args(["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic"])
        .args(&cflags)
        .arg("-o")
        .arg(&exe)
        .arg(&src);
    for flag in &static_libs {
        if flag == "-lmosquitto" {
            cmd.arg(prefix.join("lib/libmosquitto.a"));
        } else {
            cmd.arg(flag);
        }
    }
    sh(&mut cmd, "build with pkg-config --static --libs");
    let out = sh(
        Command::new(&exe).env_remove("LD_LIBRARY_PATH"),
        "run the static build",
    );
    assert!(
        out.contains("from static"),
        "the static build must not load a shared libmosquitto: {out}"
    );
    assert!(out.contains("client ok publish-without-connection 4"), "{out}");

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

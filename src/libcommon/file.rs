//! Files: `mosquitto_fopen` (optionally for files only their owner may read), reading lines of
//! any length, reading a whole file, replacing a file safely, and trimming white space.
//!
//! Warnings about a restricted file's permissions go to standard error, as libmosquitto 2.1
//! prints them by default.

use std::ffi::{CStr, CString, c_char, c_int, c_void};

use super::ffi_boundary;
use super::memory;
use crate::capi::types::{MOSQ_ERR_INVAL, MOSQ_ERR_SUCCESS};
use crate::capi::util::cstr_bytes;

const MOSQ_ERR_NOMEM: c_int = crate::capi::types::mosq_err_t::MOSQ_ERR_NOMEM as c_int;
const MOSQ_ERR_ERRNO: c_int = crate::capi::types::mosq_err_t::MOSQ_ERR_ERRNO as c_int;

/// The longest path, terminator included, `mosquitto_write_file` builds.
const PATH_MAX: usize = libc::PATH_MAX as usize;

/// The `open()` flags that a `fopen()` mode string asks for.
fn open_flags(mode: &[u8]) -> c_int {
    let mut flags = libc::O_NOFOLLOW;
    let mut access = libc::O_RDONLY;
    for &c in mode {
        match c {
            b'r' => access = libc::O_RDONLY,
            // A restricted file opened for writing must be a new one.
            b'w' => {
                access = libc::O_WRONLY;
                flags |= libc::O_TRUNC | libc::O_CREAT | libc::O_EXCL;
            }
            b'a' => {
                access = libc::O_WRONLY;
                flags |= libc::O_APPEND | libc::O_CREAT;
            }
            b'e' => flags |= libc::O_CLOEXEC,
            _ => {}
        }
    }
    if mode.contains(&b'+') {
        access = libc::O_RDWR;
    }
    flags | access
}

/// The name of user `uid`, if the system knows it.
fn user_name(uid: libc::uid_t) -> Option<String> {
    let mut buf = vec![0 as c_char; 4096];
    // SAFETY: an all-zero `passwd` is a valid value to be overwritten.
    let mut pwd: libc::passwd = unsafe { std::mem::zeroed() };
    let mut result: *mut libc::passwd = std::ptr::null_mut();
    // SAFETY: every pointer is valid for the sizes given.
    let rc = unsafe { libc::getpwuid_r(uid, &mut pwd, buf.as_mut_ptr(), buf.len(), &mut result) };
    if rc != 0 || result.is_null() || pwd.pw_name.is_null() {
        return None;
    }
    // SAFETY: set by getpwuid_r to a string inside `buf`, still alive.
    Some(
        unsafe { CStr::from_ptr(pwd.pw_name) }
            .to_string_lossy()
            .into_owned(),
    )
}

/// The name of group `gid`, if the system knows it.
fn group_name(gid: libc::gid_t) -> Option<String> {
    let mut buf = vec![0 as c_char; 4096];
    // SAFETY: an all-zero `group` is a valid value to be overwritten.
    let mut grp: libc::group = unsafe { std::mem::zeroed() };
    let mut result: *mut libc::group = std::ptr::null_mut();
    // SAFETY: every pointer is valid for the sizes given.
    let rc = unsafe { libc::getgrgid_r(gid, &mut grp, buf.as_mut_ptr(), buf.len(), &mut result) };
    if rc != 0 || result.is_null() || grp.gr_name.is_null() {
        return None;
    }
    // SAFETY: set by getgrgid_r to a string inside `buf`, still alive.
    Some(
        unsafe { CStr::from_ptr(grp.gr_name) }
            .to_string_lossy()
            .into_owned(),
    )
}

/// Open a file as `fopen(path, mode)` does, refusing anything but a regular file.
///
/// With `restrict_read`, a file it creates gets mode 0600, a symbolic link as the last path
/// component is refused, mode `"w"` refuses an existing file, and a warning goes to standard
/// error when the file may be read by others or does not belong to the user or group running
/// the program.
///
/// Returns the stream (close it with `fclose`), or NULL with `errno` set (`EINVAL` for a NULL
/// argument, `EISDIR` or the like for something that is not a regular file).
///
/// # Safety
/// `path` and `mode` are NULL or NUL-terminated strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_fopen(
    path: *const c_char,
    mode: *const c_char,
    restrict_read: bool,
) -> *mut libc::FILE {
    ffi_boundary! {
        if path.is_null() || mode.is_null() {
            set_errno(libc::EINVAL);
            return std::ptr::null_mut();
        }
        // SAFETY: NUL-terminated strings (caller contract).
        unsafe { open_checked(path, mode, restrict_read) }
    }
}

fn set_errno(value: c_int) {
    // SAFETY: the calling thread's errno.
    unsafe { *libc::__errno_location() = value };
}

fn errno() -> c_int {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(0)
}

/// [`mosquitto_fopen`] for arguments known not to be NULL.
///
/// # Safety
/// `path` and `mode` are NUL-terminated strings.
unsafe fn open_checked(path: *const c_char, mode: *const c_char, restrict_read: bool) -> *mut libc::FILE {
    // SAFETY: NUL-terminated strings (caller contract).
    let (path_text, mode_bytes) = unsafe { (CStr::from_ptr(path), CStr::from_ptr(mode).to_bytes()) };
    let shown = path_text.to_string_lossy();
    let file = if restrict_read {
        // SAFETY: a NUL-terminated path; the mode argument is what open() reads for O_CREAT.
        let fd = unsafe { libc::open(path, open_flags(mode_bytes), 0o600 as libc::c_uint) };
        if fd < 0 {
            return std::ptr::null_mut();
        }
        // SAFETY: a descriptor just opened, and a NUL-terminated mode.
        let file = unsafe { libc::fdopen(fd, mode) };
        if file.is_null() {
            let e = errno();
            // SAFETY: the descriptor is ours and not used afterwards.
            unsafe { libc::close(fd) };
            set_errno(e);
        }
        file
    } else {
        // SAFETY: NUL-terminated strings.
        unsafe { libc::fopen(path, mode) }
    };
    if file.is_null() {
        return file;
    }
    // SAFETY: an all-zero `stat` is a valid value to be overwritten.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    // SAFETY: an open stream and a writable `stat`.
    if unsafe { libc::fstat(libc::fileno(file), &mut st) } < 0 {
        let e = errno();
        // SAFETY: the stream is ours and not used afterwards.
        unsafe { libc::fclose(file) };
        set_errno(e);
        return std::ptr::null_mut();
    }
    if restrict_read {
        if st.st_mode & libc::S_IRWXO != 0 {
            eprintln!(
                "Warning: File {shown} has world readable permissions. Future versions will refuse to load this file.\n\
                 To fix this, use `chmod 0700 {shown}`."
            );
        }
        // SAFETY: plain system calls without arguments.
        let (uid, gid) = unsafe { (libc::getuid(), libc::getgid()) };
        if st.st_uid != uid {
            if let Some(name) = user_name(uid) {
                eprintln!(
                    "Warning: File {shown} owner is not {name}. Future versions will refuse to load this file. \
                     To fix this, use `chown {name} {shown}`."
                );
            }
        }
        if st.st_gid != gid {
            if let Some(name) = group_name(gid) {
                eprintln!(
                    "Warning: File {shown} group is not {name}. Future versions will refuse to load this file."
                );
            }
        }
    }
    if st.st_mode & libc::S_IFMT != libc::S_IFREG {
        eprintln!("Error: {shown} is not a file.");
        // SAFETY: the stream is ours and not used afterwards.
        unsafe { libc::fclose(file) };
        set_errno(if st.st_mode & libc::S_IFMT == libc::S_IFDIR {
            libc::EISDIR
        } else {
            libc::EINVAL
        });
        return std::ptr::null_mut();
    }
    file
}

/// Read one line of any length from `stream` into `*buf`, a `malloc`ed buffer of `*buflen`
/// bytes that grows (with `realloc`, updating `*buf` and `*buflen`) until the whole line fits.
/// The line keeps its `'\n'`.
///
/// Returns `*buf`, or NULL at the end of the file, on a read error, for a line holding a NUL
/// byte, when the buffer cannot grow (`*buf` is then still valid), or when an argument is NULL
/// or `*buflen` is below 1.
///
/// # Safety
/// `buf` and `buflen` are NULL or valid, `*buf` is a block from the C allocator of at least
/// `*buflen` bytes, and `stream` is NULL or an open stream.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_fgets(
    buf: *mut *mut c_char,
    buflen: *mut c_int,
    stream: *mut libc::FILE,
) -> *mut c_char {
    ffi_boundary! {
        if stream.is_null() || buf.is_null() || buflen.is_null() {
            return std::ptr::null_mut();
        }
        // SAFETY: valid pointers (caller contract), used only inside this call.
        let (buf, buflen) = unsafe { (&mut *buf, &mut *buflen) };
        if *buflen < 1 || buf.is_null() {
            return std::ptr::null_mut();
        }
        let mut offset: c_int = 0;
        loop {
            // SAFETY: `*buf` has `*buflen` bytes, so `*buflen - offset` fit from `offset` on.
            let got = unsafe { libc::fgets(buf.add(offset as usize), *buflen - offset, stream) };
            // SAFETY: an open stream.
            if got.is_null() || unsafe { libc::feof(stream) } != 0 {
                return if got.is_null() { got } else { *buf };
            }
            // SAFETY: fgets left a NUL-terminated string in the buffer.
            let len = unsafe { libc::strlen(*buf) };
            if len == 0 {
                return *buf;
            }
            // SAFETY: `len - 1` is inside the string.
            if unsafe { *buf.add(len - 1) } == b'\n' as c_char {
                return *buf;
            }
            if len + 1 < *buflen as usize {
                // The line stopped early: it holds a NUL byte.
                return std::ptr::null_mut();
            }
            let Some(bigger) = buflen.checked_add(1000) else {
                return std::ptr::null_mut();
            };
            // SAFETY: `*buf` is a block of the C allocator (caller contract).
            let grown = unsafe { libc::realloc((*buf).cast::<c_void>(), bigger as usize) };
            if grown.is_null() {
                return std::ptr::null_mut();
            }
            offset = *buflen - 1;
            *buflen = bigger;
            *buf = grown.cast();
        }
    }
}

/// Call `log_fn`, if there is one, with `message`, keeping `errno`.
fn log(log_fn: Option<unsafe extern "C" fn(*const c_char)>, message: String) {
    if let Some(f) = log_fn {
        let e = errno();
        let text = CString::new(message.replace('\0', " ")).unwrap_or_default();
        // SAFETY: a function the caller supplied for this purpose, given a valid string.
        unsafe { f(text.as_ptr()) };
        set_errno(e);
    }
}

/// Replace the file `target_path` with what `write_fn` writes, so that a crash leaves either
/// the old file or the new one: `write_fn(stream, user_data)` writes `target_path` followed
/// by `.new` (opened as `mosquitto_fopen(..., "wb", restrict_read)` after any stale copy is
/// removed), which is then flushed, synced to disk, closed and renamed over `target_path`.
/// Each failure is described to `log_fn` (which may be NULL).
///
/// Returns `MOSQ_ERR_SUCCESS`; `MOSQ_ERR_INVAL` if `target_path` or `write_fn` is NULL, the
/// path is too long, or the temporary file cannot be removed or created; `MOSQ_ERR_ERRNO` if
/// `write_fn` returns anything but `MOSQ_ERR_SUCCESS` or a later step fails (the temporary
/// file is then removed).
///
/// # Safety
/// `target_path` is NULL or a NUL-terminated string; `write_fn` and `log_fn` are NULL or
/// functions of these types.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_write_file(
    target_path: *const c_char,
    restrict_read: bool,
    write_fn: Option<unsafe extern "C" fn(fptr: *mut libc::FILE, user_data: *mut c_void) -> c_int>,
    user_data: *mut c_void,
    log_fn: Option<unsafe extern "C" fn(msg: *const c_char)>,
) -> c_int {
    ffi_boundary! {
        // SAFETY: NULL or a NUL-terminated string (caller contract).
        let (Some(target), Some(write_fn)) = (unsafe { cstr_bytes(target_path) }, write_fn) else {
            return MOSQ_ERR_INVAL;
        };
        let mut tmp = target.to_vec();
        tmp.extend_from_slice(b".new");
        if tmp.len() >= PATH_MAX {
            return MOSQ_ERR_INVAL;
        }
        let shown = String::from_utf8_lossy(&tmp).into_owned();
        let tmp = CString::new(tmp).unwrap_or_default();
        // A stale temporary file could be a hard link to the target: remove it, never truncate.
        // SAFETY: a NUL-terminated path.
        if unsafe { libc::unlink(tmp.as_ptr()) } != 0 && errno() != libc::ENOENT {
            let e = std::io::Error::last_os_error();
            log(log_fn, format!("unable to remove stale temporary file {shown}: {e}"));
            return MOSQ_ERR_INVAL;
        }
        // SAFETY: NUL-terminated strings.
        let file = unsafe { open_checked(tmp.as_ptr(), c"wb".as_ptr(), restrict_read) };
        if file.is_null() {
            let e = std::io::Error::last_os_error();
            log(log_fn, format!("unable to open {shown} for writing: {e}"));
            return MOSQ_ERR_INVAL;
        }
        let fail = |file: *mut libc::FILE| {
            if !file.is_null() {
                // SAFETY: our stream, closed once; a NUL-terminated path.
                unsafe {
                    libc::fclose(file);
                    libc::unlink(tmp.as_ptr());
                }
            }
            MOSQ_ERR_ERRNO
        };
        // SAFETY: the caller's function, given an open stream and its own data.
        if unsafe { write_fn(file, user_data) } != MOSQ_ERR_SUCCESS {
            return fail(file);
        }
        // SAFETY: an open stream.
        if unsafe { libc::fflush(file) } != 0 && errno() != libc::EINTR {
            let e = std::io::Error::last_os_error();
            log(log_fn, format!("unable to flush {shown}: {e}"));
            return fail(file);
        }
        // SAFETY: an open stream.
        if unsafe { libc::fsync(libc::fileno(file)) } != 0 && errno() != libc::EINTR {
            let e = std::io::Error::last_os_error();
            log(log_fn, format!("unable to sync {shown} to disk: {e}"));
            return fail(file);
        }
        // SAFETY: an open stream, closed once.
        if unsafe { libc::fclose(file) } != 0 {
            let e = std::io::Error::last_os_error();
            log(log_fn, format!("unable to close {shown}: {e}"));
            return fail(std::ptr::null_mut());
        }
        // SAFETY: NUL-terminated paths.
        if unsafe { libc::rename(tmp.as_ptr(), target_path) } != 0 {
            let e = std::io::Error::last_os_error();
            let target = String::from_utf8_lossy(target);
            log(log_fn, format!("unable to replace {target} with {shown}: {e}"));
            return MOSQ_ERR_ERRNO;
        }
        MOSQ_ERR_SUCCESS
    }
}

/// Read the whole file `file` (opened as `mosquitto_fopen(file, "rt", restrict_read)`) into
/// `*buf`, a new buffer with a NUL byte after the contents, and store its length without the
/// NUL in `*buflen` when `buflen` is not NULL. An empty file gives `*buf` NULL and length 0.
/// Release the buffer with `mosquitto_free` or `free`.
///
/// Returns `MOSQ_ERR_SUCCESS`; `MOSQ_ERR_ERRNO` if the file cannot be opened or measured (see
/// `errno`); `MOSQ_ERR_NOMEM`; `MOSQ_ERR_INVAL` if `file` or `buf` is NULL or the file could
/// not be read in full.
///
/// # Safety
/// `file` is NULL or a NUL-terminated string; `buf` and `buflen` are NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_read_file(
    file: *const c_char,
    restrict_read: bool,
    buf: *mut *mut c_char,
    buflen: *mut usize,
) -> c_int {
    ffi_boundary! {
        if buf.is_null() {
            return MOSQ_ERR_INVAL;
        }
        // SAFETY: writable (caller contract).
        unsafe {
            *buf = std::ptr::null_mut();
            crate::capi::util::write_out(buflen, 0);
        }
        if file.is_null() {
            return MOSQ_ERR_INVAL;
        }
        // SAFETY: NUL-terminated strings.
        let stream = unsafe { open_checked(file, c"rt".as_ptr(), restrict_read) };
        if stream.is_null() {
            return MOSQ_ERR_ERRNO;
        }
        let close = |rc: c_int| {
            // SAFETY: our stream, closed once.
            unsafe { libc::fclose(stream) };
            rc
        };
        // SAFETY: an open stream.
        let size = unsafe {
            libc::fseek(stream, 0, libc::SEEK_END);
            let size = libc::ftell(stream);
            libc::fseek(stream, 0, libc::SEEK_SET);
            size
        };
        let Ok(size) = usize::try_from(size) else {
            return close(MOSQ_ERR_ERRNO);
        };
        if size == 0 {
            return close(MOSQ_ERR_SUCCESS);
        }
        let Some(total) = size.checked_add(1) else {
            return close(MOSQ_ERR_NOMEM);
        };
        let mem = memory::alloc(total).cast::<c_char>();
        if mem.is_null() {
            return close(MOSQ_ERR_NOMEM);
        }
        // SAFETY: `mem` has `size + 1` bytes; an open stream.
        let read = unsafe { libc::fread(mem.cast(), 1, size, stream) };
        if read != size {
            // SAFETY: our block, released once.
            unsafe { memory::mosquitto_free(mem.cast()) };
            return close(MOSQ_ERR_INVAL);
        }
        // SAFETY: byte `size` is inside the block; `buf` and `buflen` are writable.
        unsafe {
            mem.add(size).write(0);
            *buf = mem;
            crate::capi::util::write_out(buflen, size);
        }
        close(MOSQ_ERR_SUCCESS)
    }
}

/// Remove white space (as C's `isspace` knows it) from both ends of the string `str`: the
/// end by writing NUL bytes into it, the start by returning a pointer past it. NULL gives
/// NULL.
///
/// # Safety
/// `str` is NULL or a writable NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_trimblanks(str: *mut c_char) -> *mut c_char {
    ffi_boundary! {
        if str.is_null() {
            return str;
        }
        // SAFETY: a NUL-terminated string (caller contract).
        let len = unsafe { libc::strlen(str) };
        // SAFETY: the `len` bytes of the string, writable (caller contract).
        let bytes = unsafe { std::slice::from_raw_parts_mut(str.cast::<u8>(), len) };
        let start = bytes
            .iter()
            .position(|&b| !crate::pwhash::is_c_space(b))
            .unwrap_or(len);
        let mut end = len;
        while end > start + 1 && crate::pwhash::is_c_space(bytes[end - 1]) {
            end -= 1;
            bytes[end] = 0;
        }
        // SAFETY: `start` is at most `len`, inside the string or at its terminator.
        unsafe { str.add(start) }
    }
}

//! Random bytes from the kernel (`getrandom(2)`), for client ids and salts: no cryptographic
//! library is needed for them, so builds without TLS have none.

/// Fill `buf` with random bytes; false if the kernel could not give them.
pub(crate) fn fill(buf: &mut [u8]) -> bool {
    let mut done = 0;
    while done < buf.len() {
        let rest = &mut buf[done..];
        // SAFETY: `rest` is a writable buffer of `rest.len()` bytes for the whole call.
        let n = unsafe { libc::getrandom(rest.as_mut_ptr().cast(), rest.len(), 0) };
        match usize::try_from(n) {
            Ok(n) if n > 0 => done += n,
            Ok(_) => return false,
            Err(_) if std::io::Error::last_os_error().raw_os_error() == Some(libc::EINTR) => {}
            Err(_) => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    #[test]
    fn fills_the_buffer() {
        let (mut a, mut b) = ([0u8; 64], [0u8; 64]);
        assert!(super::fill(&mut a) && super::fill(&mut b));
        assert_ne!(a, b);
        assert!(super::fill(&mut []));
    }
}

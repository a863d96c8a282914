//! Sockets, the poll loop, and the glue between them and the session.

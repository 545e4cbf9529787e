//! Integration tests: real AWS SDK clients against the emulator on a real socket.

//! Links the server's binaries with their relative relocations packed (`-z
//! pack-relative-relocs`, DT_RELR). Unpacked, the release binary carries 49,279 relocation
//! entries, 1.2 MB that the loader reads at every start and that then stay resident: 0.8
//! MiB of the running server's memory (bench/RESULTS.md, "relocations packed"). Packed,
//! they take 16 KB. Their reader is glibc's loader, 2.36 or later (Debian 12 has 2.36).

fn main() {
    let linux_gnu = std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux")
        && std::env::var("CARGO_CFG_TARGET_ENV").as_deref() == Ok("gnu");
    if linux_gnu {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
}

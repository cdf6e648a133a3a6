//! The browser bundle: its names, read once at start-up, and the `/pkg` files.

use std::path::Path;

use app::Bundle;
use axum::{
    Router,
    http::{HeaderValue, header::CACHE_CONTROL},
    response::Response,
};
use leptos::config::LeptosOptions;
use tower_http::{services::ServeDir, set_header::SetResponseHeaderLayer};

/// The bundle's names in the site at `options.site_root`. `scripts/build.sh` records the
/// content hashes in `hash.txt` (`scripts: <hash>` for the JS and the wasm, `css: <hash>`);
/// a site without that file (a hand-made one) is served under the plain names. A file
/// that is there but unreadable or incomplete is an error: pages would link names that
/// do not exist.
pub fn names(options: LeptosOptions) -> Result<Bundle, String> {
    let file = Path::new(&*options.site_root).join("hash.txt");
    let text = match std::fs::read_to_string(&file) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Bundle::plain(options));
        }
        Err(error) => return Err(format!("cannot read {}: {error}", file.display())),
    };
    let hash = |key: &str| {
        text.lines()
            .filter_map(|line| line.split_once(':'))
            .find(|(name, _)| name.trim() == key)
            .map(|(_, hash)| hash.trim())
            .filter(|hash| !hash.is_empty() && hash.chars().all(|c| c.is_ascii_hexdigit()))
            .ok_or_else(|| format!("{} has no `{key}: <hex hash>` line", file.display()))
    };
    Ok(Bundle::hashed(options, hash("scripts")?, hash("css")?))
}

/// The bundle's files (`/pkg`), as `scripts/build.sh` left them: with hashed names (a
/// name never changes content) they may be cached for a year; the `.br`/`.gz` copies made
/// at build time go to browsers that accept them. Unhashed files must be revalidated.
/// Only successes are marked cacheable.
pub fn files(bundle: &Bundle) -> Router {
    let options = &bundle.options;
    let folder = Path::new(&*options.site_root).join(&*options.site_pkg_dir);
    let cache = HeaderValue::from_static(if bundle.content_hashed {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    });
    Router::new()
        .fallback_service(ServeDir::new(folder).precompressed_br().precompressed_gzip())
        .layer(SetResponseHeaderLayer::overriding(CACHE_CONTROL, move |response: &Response| {
            response.status().is_success().then(|| cache.clone())
        }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(hashes: Option<&str>) -> (tempfile::TempDir, LeptosOptions) {
        let dir = tempfile::tempdir().expect("folder");
        if let Some(hashes) = hashes {
            std::fs::write(dir.path().join("hash.txt"), hashes).expect("written");
        }
        let root = dir.path().to_string_lossy().into_owned();
        let options = LeptosOptions::builder().output_name("x").site_root(root).build();
        (dir, options)
    }

    #[test]
    fn names_carry_the_recorded_hashes() {
        let (_dir, options) = site(Some("scripts: 0a1b\ncss: ff00\n"));
        let bundle = names(options).expect("read");
        assert_eq!(&*bundle.options.output_name, "guestroom.0a1b");
        assert!(!bundle.options.hash_files, "Leptos must not read the file again");
        assert_eq!(&*bundle.stylesheet, "/pkg/guestroom.ff00.css");
        assert!(bundle.content_hashed);
    }

    #[test]
    fn a_site_without_hashes_is_served_under_the_plain_names() {
        let (_dir, options) = site(None);
        let bundle = names(options).expect("plain");
        assert_eq!(&*bundle.options.output_name, "guestroom");
        assert_eq!(&*bundle.stylesheet, "/pkg/guestroom.css");
        assert!(!bundle.content_hashed);
    }

    #[test]
    fn an_incomplete_or_garbled_hash_file_is_refused() {
        for hashes in ["scripts: 0a1b\n", "scripts: ../x\ncss: ff\n", "js: 1\nwasm: 2\ncss: 3\n"] {
            let (_dir, options) = site(Some(hashes));
            assert!(names(options).is_err(), "{hashes:?} accepted");
        }
    }
}

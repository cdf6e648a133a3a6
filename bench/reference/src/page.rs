//! `/` as Guestroom renders it for a guest, written with maud: the same elements,
//! attributes, text and the island's data, the hydration markers (`<!>`) Leptos leaves
//! included, so the browser would get the same page (the benchmark compares the two
//! pages' structure). Only the ids, the nonce and the form keys differ between answers.

use std::sync::{
    LazyLock,
    atomic::{AtomicU64, Ordering},
};

use axum::{
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{Html, IntoResponse},
};
use maud::{DOCTYPE, Markup, PreEscaped, html};
use serde::Serialize;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::{Shared, roster::Avatar};

/// Leptos's island loader (leptos 0.8's `hydration/island_script.js`), called with the
/// bundle's names.
const ISLANDS: &str = include_str!("islands.js");
/// The hydration marker Leptos leaves where a view may put nodes.
const MARK: PreEscaped<&str> = PreEscaped("<!>");
const FAVICON: &str = "data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 100 100'><text y='.9em' font-size='90'>🛋️</text></svg>";
const NAME_HINT: &str = "Up to 40 characters.";
/// The guest's retention, as the benchmark's servers are started with it.
const KEPT_DAYS: u32 = 90;

/// The bundle's file names (content-hashed), found once in `$LEPTOS_SITE_ROOT/pkg`, and
/// the name its script exports the roster island under.
struct Bundle {
    stylesheet: String,
    scripts: String,
    /// `Roster_` and a hash of the island's source (Leptos's island macro): read from the
    /// bundle, as it changes whenever the island's code does.
    island: String,
}

static BUNDLE: LazyLock<Bundle> = LazyLock::new(|| {
    let root = std::env::var("LEPTOS_SITE_ROOT").unwrap_or_else(|_| "target/site".into());
    let names: Vec<String> = std::fs::read_dir(format!("{root}/pkg"))
        .map(|entries| entries.filter_map(|e| e.ok()?.file_name().into_string().ok()).collect())
        .unwrap_or_default();
    let find = |suffix: &str| {
        names
            .iter()
            .find(|name| name.ends_with(suffix))
            .map_or("", |name| &name[..name.len() - suffix.len()])
            .to_owned()
    };
    let scripts = find("_bg.wasm");
    let glue = std::fs::read_to_string(format!("{root}/pkg/{scripts}.js")).unwrap_or_default();
    let island = glue
        .split("Roster_")
        .nth(1)
        .map(|rest| rest.chars().take_while(char::is_ascii_digit).collect::<String>())
        .map_or_else(|| "Roster".to_owned(), |hash| format!("Roster_{hash}"));
    Bundle { stylesheet: format!("{}.css", find(".css")), scripts, island }
});

/// A plain form's idempotency key: a prefix drawn once and a counter, as Guestroom's.
fn form_key() -> String {
    static PREFIX: LazyLock<u64> = LazyLock::new(|| Uuid::new_v4().as_u64_pair().0);
    static NEXT: AtomicU64 = AtomicU64::new(0);
    format!("{:016x}{:016x}", *PREFIX, NEXT.fetch_add(1, Ordering::Relaxed))
}

pub async fn roster_page(
    state: Shared,
    headers: HeaderMap,
) -> Result<impl IntoResponse, StatusCode> {
    let owner = state.guests.owner(&headers)?;
    let avatars = crate::roster::avatars(&state.pool, owner).await?;
    let mut nonce = [0_u8; 16];
    getrandom::fill(&mut nonce).map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
    let nonce = base64_url(&nonce);
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    );
    let policy = HeaderValue::try_from(policy).map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
    let page = document(owner, &avatars, &nonce);
    Ok(([(header::CONTENT_SECURITY_POLICY, policy)], Html(page.into_string())))
}

fn document(owner: Uuid, avatars: &[Avatar], nonce: &str) -> Markup {
    let bundle = &*BUNDLE;
    let owner_text = owner.to_string();
    let cache_owner: String =
        Sha256::digest(owner_text.as_bytes())[..8].iter().map(|b| format!("{b:02x}")).collect();
    let data = serde_json::to_string(&Data { cache_owner, roster: Roster { ok: avatars } })
        .expect("the page's data serialises");
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="color-scheme" content="light dark";
                meta name="description" content="Keep a roster of avatars, no sign-up needed; make an account to keep it anywhere.";
                link rel="icon" href=(FAVICON);
                link rel="stylesheet" href={ "/pkg/" (bundle.stylesheet) };
                link rel="modulepreload" href={ "/pkg/" (bundle.scripts) ".js" } crossorigin=(nonce);
                link rel="preload" href={ "/pkg/" (bundle.scripts) "_bg.wasm" } as="fetch" type="application/wasm" crossorigin=(nonce);
                script type="module" nonce=(nonce) {
                    (PreEscaped(ISLANDS))
                    (PreEscaped(format!("(\"\", \"pkg\", \"{0}\", \"{0}_bg\", false);", bundle.scripts)))
                }
                (PreEscaped("<!--HEAD-->"))
                title { "Your avatars · Guestroom" }
            }
            body {
                header class="top" {
                    a class="brand" href="/" { "Guestroom" }
                    div data-guest=(&owner_text[..8]) class="identity" {
                        span class="who" { "Guest" }
                        span class="prompt" { "Keep your avatars: " }
                        span class="links" { a href="/signup" { "Create account" } " · " a href="/signin" { "Sign in" } }
                    }
                }
                main {
                    (MARK)
                    section aria-labelledby="roster-title" data-roster=(data) class="roster" {
                        h1 id="roster-title" { "Your avatars" }
                        (MARK) (MARK)
                        leptos-island data-component=(bundle.island) {
                            div data-hydrated="false" data-busy="false" class="roster-body" {
                                p class="visually-hidden" role="status" {}
                                (add_form())
                                (MARK) (MARK) (MARK)
                                ol aria-label="Avatars" class="avatars" {
                                    @for (index, avatar) in avatars.iter().enumerate() {
                                        (row(avatar, index == 0, index + 1 == avatars.len()))
                                    }
                                    (MARK)
                                }
                                (MARK)
                            }
                        }
                        p class="kept-for" {
                            "Your avatars are kept in this browser for " (KEPT_DAYS) " days after your last visit, and each visit starts the " (KEPT_DAYS) " days again. "
                            a href="/signup" { "Create an account" }
                            " to keep them for good: clearing this browser's cookies loses them. "
                            a href="/device" { "Continue on another device" }
                            " with a short code."
                        }
                    }
                }
            }
        }
        script nonce=(nonce) { "__RESOLVED_RESOURCES=[];__SERIALIZED_ERRORS=[];__PENDING_RESOURCES=[];__RESOURCE_RESOLVERS=[];" }
        script nonce=(nonce) { "__INCOMPLETE_CHUNKS=[];" }
    }
}

/// The roster's data as the page carries it for the island (`RosterPageData`).
#[derive(Serialize)]
struct Data<'a> {
    cache_owner: String,
    roster: Roster<'a>,
}

/// A `Result`'s `Ok`, as serde writes it.
#[derive(Serialize)]
struct Roster<'a> {
    #[serde(rename = "Ok")]
    ok: &'a [Avatar],
}

const fn text(value: bool) -> &'static str {
    if value { "true" } else { "false" }
}

fn add_form() -> Markup {
    html! {
        form method="post" action="/api/roster/create" aria-label="Add an avatar" class="add" {
            input type="hidden" name="idempotency_key" value=(form_key());
            (emoji_field("new-emoji", "", "🐱", "the new avatar"))
            (name_field("new-name", "", "Whiskers"))
            button type="submit" class="primary" { "Add avatar" }
            (MARK)
        }
    }
}

fn emoji_field(id: &str, value: &str, placeholder: &str, of: &str) -> Markup {
    html! {
        div class="field emoji-field" {
            label for=(id) { "Emoji" }
            input id=(id) name="emoji" type="text" value=(value) placeholder=(placeholder) autocomplete="off" aria-invalid="false" aria-describedby={ (id) "-error" };
            button type="button" aria-label={ "Choose an emoji for " (of) } aria-expanded="false" aria-controls={ (id) "-picker" } data-ready="false" class="pick" { "☺︎" }
            (MARK)
            p id={ (id) "-error" } class="field-error" { (MARK) }
        }
    }
}

fn name_field(id: &str, value: &str, placeholder: &str) -> Markup {
    html! {
        div class="field" {
            label for=(id) { "Name" }
            input id=(id) name="name" type="text" value=(value) placeholder=(placeholder) autocomplete="off" aria-invalid="false" aria-describedby={ (id) "-hint " (id) "-error" };
            (MARK)
            p id={ (id) "-hint" } class="field-hint" { (NAME_HINT) }
            p id={ (id) "-error" } class="field-error" { (MARK) }
        }
    }
}

fn row(avatar: &Avatar, first: bool, last: bool) -> Markup {
    let id = avatar.id.to_string();
    let name = &avatar.name;
    html! {
        li data-id=(id) id={ "avatar-" (id) } class={ "avatar" @if !avatar.is_active { " inactive" } } {
            span aria-hidden="true" class="avatar-emoji" { (avatar.emoji) }
            span class="avatar-name" { (name) }
            div class="controls" {
                form method="post" action="/api/roster/activate" class="inline toggle" {
                    input type="hidden" name="idempotency_key" value=(form_key());
                    input type="hidden" name="id" value=(id);
                    input type="hidden" name="is_active" value=(text(!avatar.is_active));
                    button type="submit" data-control="toggle" aria-label={ "Active: " (name) } aria-pressed=(text(avatar.is_active)) class="toggle" {
                        span class="switch" aria-hidden="true" {}
                        "Active"
                    }
                }
                (move_form(&id, name, true, first))
                (move_form(&id, name, false, last))
                form method="post" action="/api/roster/delete" class="inline" {
                    input type="hidden" name="idempotency_key" value=(form_key());
                    input type="hidden" name="id" value=(id);
                    button type="submit" data-control="delete" aria-label={ "Delete " (name) } class="danger" { "Delete" }
                }
            }
            details class="edit" {
                summary aria-label={ "Edit " (name) } { "Edit" }
                form method="post" action="/api/roster/update" class="edit-form" {
                    input type="hidden" name="idempotency_key" value=(form_key());
                    input type="hidden" name="id" value=(id);
                    (emoji_field(&format!("emoji-{id}"), &avatar.emoji, "", name))
                    (name_field(&format!("name-{id}"), name, ""))
                    button type="submit" class="primary" { "Save" }
                    button type="button" data-ready="false" class="cancel" { "Cancel" }
                }
            }
        }
    }
}

fn move_form(id: &str, name: &str, up: bool, at_the_end: bool) -> Markup {
    html! {
        form method="post" action="/api/roster/move" class="inline" {
            input type="hidden" name="idempotency_key" value=(form_key());
            input type="hidden" name="id" value=(id);
            input type="hidden" name="up" value=(text(up));
            button type="submit" data-control=(if up { "up" } else { "down" }) disabled[at_the_end]
                aria-label={ "Move " (name) (if up { " up" } else { " down" }) } { (if up { "↑" } else { "↓" }) }
        }
    }
}

/// Base64url without padding, as Leptos writes its nonce.
fn base64_url(bytes: &[u8]) -> String {
    use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
    URL_SAFE_NO_PAD.encode(bytes)
}

//! What "Continue on another device" does on the server: make a code (shown once, on the
//! page the post goes back to), and continue here with one.

use identity::Viewer;

use crate::{
    account::notice::{Notice, done},
    error::{ApiError, Conflict, answer},
    server::{Services, account_error, back_with, changed_identity, client_ip, flash, services},
};

/// The flash cookie that carries a code just made to the page that shows it, once.
const CODE_COOKIE: &str = "__Host-device-code";

/// The page, and where a code's link points.
const PAGE: &str = "/device";

/// Makes a code for this browser's guest and goes back to the page, which shows it.
pub async fn make_code(form: &str) -> Result<(), ApiError> {
    let refused = |error| back_with(error, PAGE, form, &[]);
    let (viewer, Services { accounts, .. }) = services()?;
    let Viewer::Guest { sid } = viewer else {
        return Err(refused(answer(ApiError::Conflict(Conflict::SignedIn))));
    };
    let code = accounts
        .make_device_code(sid, client_ip())
        .await
        .map_err(|error| refused(account_error(error)))?;
    flash::set(CODE_COOKIE, &code.to_string(), chrono::Duration::seconds(60));
    leptos_axum::redirect(PAGE);
    Ok(())
}

/// The code just made, for the page to show once, with the QR code (SVG) of the link that
/// carries it.
pub fn made_code() -> Option<(String, String)> {
    let code = identity::email::ShortCode::parse(&flash::take(CODE_COOKIE)?)?.to_string();
    let (_, Services { mail, .. }) = services().ok()?;
    let link = format!("{}{PAGE}?code={code}", mail.public_origin());
    let qr = qrcode::QrCode::new(link.as_bytes()).ok()?;
    let svg = qr.render::<qrcode::render::svg::Color>().min_dimensions(180, 180).build();
    Some((code, svg))
}

/// This browser becomes the guest the code was made for, its own avatars appended.
pub async fn continue_here(form: &str, code: &str) -> Result<(), ApiError> {
    let refused = |error| back_with(error, PAGE, form, &[("code", code)]);
    let (viewer, Services { accounts, identity, .. }) = services()?;
    let Viewer::Guest { sid } = viewer else {
        return Err(refused(answer(ApiError::Conflict(Conflict::SignedIn))));
    };
    let continued = accounts
        .continue_as_guest(code, sid, client_ip())
        .await
        .map_err(|error| refused(account_error(error)))?;
    changed_identity(&[identity.continued_guest_cookie(&continued)]);
    done("/", &Notice::Continued { came_along: continued.merge.moved_avatars });
    Ok(())
}

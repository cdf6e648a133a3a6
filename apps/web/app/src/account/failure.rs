//! The refusal of a form's last post, for the page that shows the form (carried there in
//! a cookie: `server::form`).

use crate::error::ApiError;

/// The refusal of this page's last post of the form whose action is `action`.
pub(super) fn failure(action: &str) -> Option<ApiError> {
    #[cfg(feature = "ssr")]
    return crate::server::form_failure().filter(|(path, _)| path == action).map(|(_, e)| e);
    #[cfg(not(feature = "ssr"))]
    {
        let _ = action;
        None
    }
}

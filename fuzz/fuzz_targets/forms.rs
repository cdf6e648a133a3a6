//! A form body as a client may post it (`application/x-www-form-urlencoded`), decoded and
//! put through the account rules: never a panic, and an accepted email is its own
//! canonical form.
#![no_main]

use identity::account::{DisplayName, Email, Password};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|body: &[u8]| {
    for (field, value) in form_urlencoded::parse(body) {
        match &*field {
            "email" => {
                if let Ok(email) = Email::parse(&value) {
                    let again = Email::parse(email.as_str()).expect("canonical email");
                    assert_eq!(again.as_str(), email.as_str());
                }
            }
            "password" => {
                let _ = Password::parse_new(&value);
                let _ = Password::given(&value);
            }
            "display_name" => {
                let _ = DisplayName::parse(&value);
            }
            _ => {}
        }
    }
});

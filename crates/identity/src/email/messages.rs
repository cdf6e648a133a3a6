//! What each mail says. Plain text first (every client shows it), the same as HTML;
//! the link on a line of its own in the text, and the only thing to click in the HTML.

use super::{EmailToken, Mail, RESET_LIFETIME, SIGN_IN_LIFETIME, ShortCode, VERIFY_LIFETIME};

/// Where the links in mail point: the origin people reach the application at and the
/// application's paths. Links are absolute: a mail is read outside any page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Links {
    /// `https://guestroom.example` (no trailing slash).
    pub origin: String,
    /// The page that sets a new password; the link adds `?token=…`.
    pub reset_path: String,
    /// The page that asks for a reset link ("Forgot password?").
    pub forgot_path: String,
    /// The page that confirms an address; the link adds `?token=…`.
    pub verify_path: String,
    /// The page a sign-in link opens; the link adds `?token=…`.
    pub sign_in_path: String,
    /// The page a change-of-address link opens; the link adds `?token=…`.
    pub change_email_path: String,
}

impl Links {
    fn with_token(&self, path: &str, token: &EmailToken) -> String {
        format!("{}{path}?token={}", self.origin.trim_end_matches('/'), token.expose())
    }

    /// "Forgot password?": the link that sets a new password.
    pub(crate) fn reset_mail(&self, to: &str, token: &EmailToken) -> Mail {
        let link = self.with_token(&self.reset_path, token);
        let minutes = RESET_LIFETIME.num_minutes();
        let lines = [
            "Someone asked to set a new password for your account. If it was you, open this link:",
            "",
            &link,
            "",
            &format!(
                "It works once, for {minutes} minutes, and only until you ask for another. If \
                 you did not ask, ignore this mail: your password stays as it is."
            ),
        ];
        Mail {
            to: to.to_owned(),
            subject: "Set a new password".to_owned(),
            text: lines.join("\n"),
            html: html(&[
                Block::Text(lines[0]),
                Block::Link(&link, "Set a new password"),
                Block::Text(lines[4]),
            ]),
            link,
        }
    }
}

impl Links {
    /// After sign-up: the link that confirms the address. It says what to do if someone
    /// else signed up with it: not confirm it, and take the account when they like.
    pub(crate) fn verify_mail(&self, to: &str, token: &EmailToken) -> Mail {
        let link = self.with_token(&self.verify_path, token);
        let hours = VERIFY_LIFETIME.num_hours();
        let lines = [
            "Confirm that this is your address, to keep your Guestroom account and its avatars \
             within reach:",
            "",
            &link,
            "",
            &format!("The link works for {hours} hours."),
            "If you did not make this account, do not open the link. The account is yours to \
             take whenever you like, with \"Forgot password?\" or a provider that knows this \
             address; whoever made it then loses every way in.",
        ];
        Mail {
            to: to.to_owned(),
            subject: "Confirm your email".to_owned(),
            text: lines.join("\n"),
            html: html(&[
                Block::Text(lines[0]),
                Block::Link(&link, "Confirm your email"),
                Block::Text(lines[4]),
                Block::Text(lines[5]),
            ]),
            link,
        }
    }

    /// "Email me a sign-in link": the link, and its code for a mail read elsewhere.
    pub(crate) fn sign_in_mail(&self, to: &str, token: &EmailToken) -> Mail {
        let link = self.with_token(&self.sign_in_path, token);
        let code = ShortCode::of(&token.digest());
        let minutes = SIGN_IN_LIFETIME.num_minutes();
        let lines = [
            "Someone asked to sign in to Guestroom with this address. If it was you, open this \
             link in the browser you asked from:",
            "",
            &link,
            "",
            &format!("Reading this on another device? Type this code there instead: {code}"),
            &format!(
                "The link and the code work once, for {minutes} minutes. Never give the code to \
                 anyone. If you did not ask, ignore this mail."
            ),
        ];
        Mail {
            to: to.to_owned(),
            subject: "Sign in to Guestroom".to_owned(),
            text: lines.join("\n"),
            html: html(&[
                Block::Text(lines[0]),
                Block::Link(&link, "Sign in"),
                Block::Text(lines[4]),
                Block::Text(lines[5]),
            ]),
            link,
        }
    }

    /// A sign-up was refused because the address has an account: its owner is told.
    pub(crate) fn sign_up_attempt_mail(&self, to: &str) -> Mail {
        self.taken_address_mail(
            to,
            "Someone tried to sign up with your address",
            "Someone tried to create an account with this address, which already has one.",
        )
    }

    /// Someone tried to use an address that has an account (a sign-up with it, a change
    /// of address to it): its owner is told, with the way back in. Nothing was changed,
    /// so there is nothing to undo, and the mail carries no token.
    fn taken_address_mail(&self, to: &str, subject: &str, tried: &str) -> Mail {
        let link = format!("{}{}", self.origin.trim_end_matches('/'), self.forgot_path);
        let lines = [
            tried,
            "If it was you, sign in to that account instead; if you forgot its password, set \
             a new one here:",
            "",
            &link,
            "",
            "If it was not you, you need not do anything: nothing was changed.",
        ];
        Mail {
            to: to.to_owned(),
            subject: subject.to_owned(),
            text: lines.join("\n"),
            html: html(&[
                Block::Text(lines[0]),
                Block::Text(lines[1]),
                Block::Link(&link, "Set a new password"),
                Block::Text(lines[5]),
            ]),
            link,
        }
    }
}

impl Links {
    /// A change of address, to the new one: the link that makes the change.
    pub(crate) fn change_email_mail(&self, to: &str, token: &EmailToken) -> Mail {
        let link = self.with_token(&self.change_email_path, token);
        let hours = VERIFY_LIFETIME.num_hours();
        let lines = [
            "Someone asked to move their Guestroom account to this address. If it was you, \
             open this link to make the change:",
            "",
            &link,
            "",
            &format!(
                "It works once, for {hours} hours. Until you open it, the account keeps its \
                 old address. If you did not ask, ignore this mail: nothing changes."
            ),
        ];
        Mail {
            to: to.to_owned(),
            subject: "Confirm your new email".to_owned(),
            text: lines.join("\n"),
            html: html(&[
                Block::Text(lines[0]),
                Block::Link(&link, "Use this address"),
                Block::Text(lines[4]),
            ]),
            link,
        }
    }

    /// A change of address to one that has an account: its owner is told, and nothing
    /// changes. The one who asked is told no more than to check this inbox.
    pub(crate) fn change_email_taken_mail(&self, to: &str) -> Mail {
        self.taken_address_mail(
            to,
            "Your address already has an account",
            "Someone asked to move their Guestroom account to this address, which has an \
             account of its own: an address belongs to one account.",
        )
    }

    /// After a change of address, to the old one: what changed, and what to do if it was
    /// not its owner.
    pub(crate) fn email_changed_mail(&self, to: &str, new: &str) -> Mail {
        let link = format!("{}/", self.origin.trim_end_matches('/'));
        let lines = [
            &format!(
                "The address of your Guestroom account is now {new}: mail about it goes there, \
                 and every session on other devices has ended."
            ),
            "If you did not make this change, sign in (with your password, a passkey or a \
             linked provider) and change it back:",
            "",
            &link,
        ];
        Mail {
            to: to.to_owned(),
            subject: "Your email was changed".to_owned(),
            text: lines.join("\n"),
            html: html(&[
                Block::Text(lines[0]),
                Block::Text(lines[1]),
                Block::Link(&link, "Sign in to Guestroom"),
            ]),
            link,
        }
    }
}

/// A part of an HTML mail.
enum Block<'a> {
    Text(&'a str),
    /// The address and what the link says.
    Link(&'a str, &'a str),
}

fn html(blocks: &[Block]) -> String {
    let mut html = String::from("<!doctype html><html><body>");
    for block in blocks {
        match block {
            Block::Text(text) => html += &format!("<p>{}</p>", escape(text)),
            Block::Link(href, label) => {
                html += &format!("<p><a href=\"{}\">{}</a></p>", escape(href), escape(label));
            }
        }
    }
    html + "</body></html>"
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links() -> Links {
        Links {
            origin: "http://localhost:3000/".to_owned(),
            reset_path: "/reset".to_owned(),
            forgot_path: "/forgot".to_owned(),
            verify_path: "/verify".to_owned(),
            sign_in_path: "/signin-link".to_owned(),
            change_email_path: "/change-email".to_owned(),
        }
    }

    #[test]
    fn the_mails_of_a_change_carry_the_link_to_the_new_address_and_the_news_to_the_old() {
        let token = EmailToken::random();
        let mail = links().change_email_mail("new@example.com", &token);
        let link = format!("http://localhost:3000/change-email?token={}", token.expose());
        assert!(mail.text.lines().any(|line| line == link), "{}", mail.text);
        assert!(mail.html.contains(&format!("href=\"{link}\"")), "{}", mail.html);
        let taken = links().change_email_taken_mail("new@example.com");
        assert!(!taken.text.contains("token"), "it carries no token: nothing to act on");
        let told = links().email_changed_mail("old@example.com", "new@example.com");
        assert_eq!(told.to, "old@example.com");
        assert!(told.text.contains("now new@example.com") && !told.text.contains("token"));
    }

    #[test]
    fn a_sign_in_mail_carries_its_link_and_its_code() {
        let token = EmailToken::random();
        let mail = links().sign_in_mail("ada@example.com", &token);
        let link = format!("http://localhost:3000/signin-link?token={}", token.expose());
        assert!(mail.text.lines().any(|line| line == link), "{}", mail.text);
        let code = ShortCode::of(&token.digest()).to_string();
        assert!(mail.text.contains(&code) && mail.html.contains(&code), "{}", mail.text);
        assert!(mail.text.contains("15 minutes"));
    }

    #[test]
    fn a_verify_mail_carries_its_link_and_what_a_stranger_should_do() {
        let token = EmailToken::random();
        let mail = links().verify_mail("ada@example.com", &token);
        let link = format!("http://localhost:3000/verify?token={}", token.expose());
        assert!(mail.text.lines().any(|line| line == link), "{}", mail.text);
        assert!(mail.html.contains(&format!("href=\"{link}\"")), "{}", mail.html);
        assert!(mail.text.contains("24 hours") && mail.text.contains("did not make"));
    }

    #[test]
    fn a_reset_mail_carries_its_link_in_both_bodies() {
        let token = EmailToken::random();
        let mail = links().reset_mail("ada@example.com", &token);
        let link = format!("http://localhost:3000/reset?token={}", token.expose());
        assert_eq!(mail.to, "ada@example.com");
        assert!(mail.text.lines().any(|line| line == link), "{}", mail.text);
        assert!(mail.html.contains(&format!("href=\"{link}\"")), "{}", mail.html);
        assert!(mail.text.contains("30 minutes"));
    }

    #[test]
    fn a_sign_up_attempt_mail_points_at_forgot_password() {
        let mail = links().sign_up_attempt_mail("ada@example.com");
        assert!(mail.text.lines().any(|line| line == "http://localhost:3000/forgot"));
        assert!(mail.html.contains(r#"href="http://localhost:3000/forgot""#), "{}", mail.html);
        assert!(!mail.text.contains("token"), "it carries no token: nothing to act on");
    }

    #[test]
    fn html_escapes_what_it_quotes() {
        assert_eq!(escape(r#"<a href="x">&'"#), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
    }
}

//! The wire form of an [`ApiError`]: one JSON string, a stable code of `/`-separated
//! words — `"signed_out"`, `"too_many_requests/30"`, `"invalid/name/too_long/40"`,
//! `"conflict/avatar_limit/100"`; several field refusals are their codes joined by commas
//! (`"invalid/emoji/empty,invalid/name/empty"`). A code names only things this module
//! knows; anything else does not decode. (A code, not a tagged JSON object: serde's
//! derived enum visitors cost the browser bundle many times what the codes do;
//! bench/RESULTS.md, "Figures behind the code's choices".)

use super::{ApiError, Conflict, Field, PasskeyProblem, Problem, ProviderProblem};

impl From<ApiError> for String {
    fn from(error: ApiError) -> String {
        let (words, number): (&[&str], Option<u64>) = match &error {
            ApiError::Several(all) => {
                return all.iter().cloned().map(String::from).collect::<Vec<_>>().join(",");
            }
            ApiError::SignedOut => (&["signed_out"], None),
            ApiError::WrongCredentials => (&["wrong_credentials"], None),
            ApiError::Forbidden => (&["forbidden"], None),
            ApiError::TooLarge => (&["too_large"], None),
            ApiError::TooManyRequests { retry_after } => (&["too_many_requests"], *retry_after),
            ApiError::BadRequest => (&["bad_request"], None),
            ApiError::Invalid { field, problem: Problem::TooLong { max } } => {
                (&["invalid", field.as_str(), "too_long"], Some(u64::from(*max)))
            }
            ApiError::Invalid { field, problem: Problem::TooShort { min } } => {
                (&["invalid", field.as_str(), "too_short"], Some(u64::from(*min)))
            }
            ApiError::Invalid { field, problem } => {
                (&["invalid", field.as_str(), problem.as_str()], None)
            }
            ApiError::NotFound => (&["not_found"], None),
            ApiError::KeyReused => (&["key_reused"], None),
            ApiError::Conflict(Conflict::AvatarLimit { limit }) => {
                (&["conflict", "avatar_limit"], Some(u64::from(*limit)))
            }
            ApiError::Conflict(Conflict::GuestMerged) => (&["conflict", "guest_merged"], None),
            ApiError::Conflict(Conflict::EmailTaken) => (&["conflict", "email_taken"], None),
            ApiError::Conflict(Conflict::SignedIn) => (&["conflict", "signed_in"], None),
            ApiError::Conflict(Conflict::AskedElsewhere) => {
                (&["conflict", "asked_elsewhere"], None)
            }
            ApiError::Conflict(Conflict::LastSignInMethod) => {
                (&["conflict", "last_sign_in_method"], None)
            }
            ApiError::Conflict(Conflict::MadeByAnother) => (&["conflict", "made_by_another"], None),
            ApiError::SignInAgain => (&["sign_in_again"], None),
            ApiError::BadLink => (&["bad_link"], None),
            ApiError::Passkey(PasskeyProblem::TooMany { max }) => {
                (&["passkey", "too_many"], Some(u64::from(*max)))
            }
            ApiError::Passkey(problem) => (&["passkey", problem.word()], None),
            ApiError::Provider(problem) => (&["provider", problem.word()], None),
            ApiError::Unavailable => (&["unavailable"], None),
            ApiError::Unreachable => (&["unreachable"], None),
        };
        let mut code = words.join("/");
        if let Some(number) = number {
            code.push('/');
            code.push_str(&number.to_string());
        }
        code
    }
}

/// Not one of our codes.
#[derive(Debug)]
pub struct UnknownCode;

impl std::fmt::Display for UnknownCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("not an error code")
    }
}

impl TryFrom<String> for ApiError {
    type Error = UnknownCode;

    fn try_from(code: String) -> Result<Self, UnknownCode> {
        if code.contains(',') {
            // Field refusals only: nothing else comes several at a time.
            let all = code.split(',').map(|one| ApiError::try_from(one.to_owned()));
            let all = all.collect::<Result<Vec<_>, _>>()?;
            let fields = all.iter().filter(|e| matches!(e, ApiError::Invalid { .. })).count();
            return if fields == all.len() { Ok(ApiError::Several(all)) } else { Err(UnknownCode) };
        }
        let words: Vec<&str> = code.split('/').collect();
        Ok(match words.as_slice() {
            ["signed_out"] => ApiError::SignedOut,
            ["wrong_credentials"] => ApiError::WrongCredentials,
            ["forbidden"] => ApiError::Forbidden,
            ["too_large"] => ApiError::TooLarge,
            ["too_many_requests"] => ApiError::TooManyRequests { retry_after: None },
            ["too_many_requests", seconds] => {
                ApiError::TooManyRequests { retry_after: Some(number(seconds)?) }
            }
            ["bad_request"] => ApiError::BadRequest,
            ["invalid", field, "too_long", max] => ApiError::Invalid {
                field: Field::from_word(field)?,
                problem: Problem::TooLong { max: number(max)? },
            },
            ["invalid", field, "too_short", min] => ApiError::Invalid {
                field: Field::from_word(field)?,
                problem: Problem::TooShort { min: number(min)? },
            },
            ["invalid", field, problem] => ApiError::Invalid {
                field: Field::from_word(field)?,
                problem: Problem::from_word(problem)?,
            },
            ["not_found"] => ApiError::NotFound,
            ["key_reused"] => ApiError::KeyReused,
            ["conflict", "avatar_limit", limit] => {
                ApiError::Conflict(Conflict::AvatarLimit { limit: number(limit)? })
            }
            ["conflict", "guest_merged"] => ApiError::Conflict(Conflict::GuestMerged),
            ["conflict", "email_taken"] => ApiError::Conflict(Conflict::EmailTaken),
            ["conflict", "signed_in"] => ApiError::Conflict(Conflict::SignedIn),
            ["conflict", "asked_elsewhere"] => ApiError::Conflict(Conflict::AskedElsewhere),
            ["conflict", "last_sign_in_method"] => ApiError::Conflict(Conflict::LastSignInMethod),
            ["conflict", "made_by_another"] => ApiError::Conflict(Conflict::MadeByAnother),
            ["sign_in_again"] => ApiError::SignInAgain,
            ["bad_link"] => ApiError::BadLink,
            ["passkey", "too_many", max] => {
                ApiError::Passkey(PasskeyProblem::TooMany { max: number(max)? })
            }
            ["passkey", word] => ApiError::Passkey(
                PasskeyProblem::NAMED_BY_A_WORD
                    .into_iter()
                    .find(|problem| problem.word() == *word)
                    .ok_or(UnknownCode)?,
            ),
            ["provider", word] => ApiError::Provider(
                ProviderProblem::ALL
                    .into_iter()
                    .find(|problem| problem.word() == *word)
                    .ok_or(UnknownCode)?,
            ),
            ["unavailable"] => ApiError::Unavailable,
            ["unreachable"] => ApiError::Unreachable,
            _ => return Err(UnknownCode),
        })
    }
}

/// A number in a code.
fn number<T: std::str::FromStr>(word: &str) -> Result<T, UnknownCode> {
    word.parse().map_err(|_| UnknownCode)
}

impl Field {
    /// The form field's `name`, which is also its word in a code.
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Emoji => "emoji",
            Field::Name => "name",
            Field::Email => "email",
            Field::Password => "password",
            Field::DisplayName => "display_name",
        }
    }

    fn from_word(word: &str) -> Result<Self, UnknownCode> {
        [Field::Emoji, Field::Name, Field::Email, Field::Password, Field::DisplayName]
            .into_iter()
            .find(|field| field.as_str() == word)
            .ok_or(UnknownCode)
    }
}

impl Problem {
    /// The problem's word in a code (`too_long` also carries its limit).
    fn as_str(self) -> &'static str {
        match self {
            Problem::Empty => "empty",
            Problem::TooShort { .. } => "too_short",
            Problem::TooLong { .. } => "too_long",
            Problem::ControlCharacter => "control_character",
            Problem::NotAnEmoji => "not_an_emoji",
            Problem::MoreThanOneEmoji => "more_than_one_emoji",
            Problem::Malformed => "malformed",
            Problem::Common => "common",
            Problem::Unchanged => "unchanged",
        }
    }

    fn from_word(word: &str) -> Result<Self, UnknownCode> {
        [
            Problem::Empty,
            Problem::ControlCharacter,
            Problem::NotAnEmoji,
            Problem::MoreThanOneEmoji,
            Problem::Malformed,
            Problem::Common,
            Problem::Unchanged,
        ]
        .into_iter()
        .find(|problem| problem.as_str() == word)
        .ok_or(UnknownCode)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(error: &ApiError) -> String {
        serde_json::to_string(error).expect("serialises")
    }

    #[test]
    fn every_error_is_a_code_that_reads_back_as_itself() {
        let errors = [
            ApiError::SignedOut,
            ApiError::Forbidden,
            ApiError::TooLarge,
            ApiError::TooManyRequests { retry_after: None },
            ApiError::TooManyRequests { retry_after: Some(30) },
            ApiError::BadRequest,
            ApiError::Invalid { field: Field::Name, problem: Problem::TooLong { max: 40 } },
            ApiError::Invalid { field: Field::Emoji, problem: Problem::MoreThanOneEmoji },
            ApiError::NotFound,
            ApiError::Conflict(Conflict::AvatarLimit { limit: 100 }),
            ApiError::Conflict(Conflict::GuestMerged),
            ApiError::Conflict(Conflict::EmailTaken),
            ApiError::Conflict(Conflict::SignedIn),
            ApiError::Conflict(Conflict::LastSignInMethod),
            ApiError::Conflict(Conflict::AskedElsewhere),
            ApiError::Conflict(Conflict::MadeByAnother),
            ApiError::KeyReused,
            ApiError::WrongCredentials,
            ApiError::Invalid { field: Field::Password, problem: Problem::TooShort { min: 10 } },
            ApiError::Invalid { field: Field::Email, problem: Problem::Malformed },
            ApiError::Invalid { field: Field::Email, problem: Problem::Unchanged },
            ApiError::SignInAgain,
            ApiError::BadLink,
            ApiError::Passkey(PasskeyProblem::TooMany { max: 10 }),
            ApiError::Unavailable,
            ApiError::Unreachable,
            ApiError::Several(vec![
                ApiError::Invalid { field: Field::Emoji, problem: Problem::Empty },
                ApiError::Invalid { field: Field::Name, problem: Problem::TooLong { max: 40 } },
            ]),
        ];
        let passkeys = PasskeyProblem::NAMED_BY_A_WORD.map(ApiError::Passkey);
        let providers = ProviderProblem::ALL.map(ApiError::Provider);
        for error in errors.into_iter().chain(passkeys).chain(providers) {
            let wire = json(&error);
            assert_eq!(serde_json::from_str::<ApiError>(&wire).ok(), Some(error), "{wire}");
        }
    }

    #[test]
    fn the_wire_shape_is_a_code_string() {
        assert_eq!(json(&ApiError::SignedOut), r#""signed_out""#);
        let long = ApiError::Invalid { field: Field::Name, problem: Problem::TooLong { max: 40 } };
        assert_eq!(json(&long), r#""invalid/name/too_long/40""#);
        let full = ApiError::Conflict(Conflict::AvatarLimit { limit: 100 });
        assert_eq!(json(&full), r#""conflict/avatar_limit/100""#);
        let both = ApiError::Several(vec![
            ApiError::Invalid { field: Field::Emoji, problem: Problem::Empty },
            ApiError::Invalid { field: Field::Name, problem: Problem::Empty },
        ]);
        assert_eq!(json(&both), r#""invalid/emoji/empty,invalid/name/empty""#);
    }

    /// The identity layer refuses before the app runs, in codes of its own: each must be
    /// one of ours, with the same status, or the page would read it as something else.
    #[cfg(feature = "ssr")]
    #[test]
    fn the_identity_layers_refusals_are_our_codes() {
        for refusal in identity::http::Refusal::ALL {
            let error = ApiError::try_from(refusal.code()).expect("one of our codes");
            assert_eq!(error.status(), Some(refusal.status().as_u16()), "{refusal:?}");
        }
    }

    #[test]
    fn anything_else_does_not_decode() {
        for wire in [
            r#""Your account is locked""#,
            r#""invalid/name""#,
            r#""invalid/postcode/empty""#,
            r#""invalid/name/too_long/forty""#,
            r#""signed_out/extra""#,
            // Only field refusals come several at a time.
            r#""invalid/emoji/empty,signed_out""#,
            r#""invalid/emoji/empty,""#,
            r#"{"invalid":{"field":"name","problem":"empty"}}"#,
        ] {
            assert!(serde_json::from_str::<ApiError>(wire).is_err(), "{wire}");
        }
    }
}

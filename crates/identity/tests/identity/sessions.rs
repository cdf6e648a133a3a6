use chrono::Duration;
use identity::{MAX_TOKEN_LEN, OwnerId, SessionPolicy, SessionTokens, TokenError};

use crate::helpers::*;

fn policy() -> SessionPolicy {
    SessionPolicy {
        absolute_lifetime: Duration::days(30),
        idle_timeout: Duration::days(7),
        refresh_after: Duration::days(1),
    }
}

fn tokens() -> SessionTokens {
    SessionTokens::new(keys(SECRET), policy())
}

fn issued() -> (OwnerId, String) {
    let member = OwnerId::random();
    (member, tokens().issue(member, 3, start(), start()))
}

#[test]
fn a_valid_session_decrypts_to_its_claims() {
    let (member, token) = issued();
    let session = tokens().verify(&token, start() + Duration::days(6)).expect("valid");
    assert_eq!(session.member, member);
    assert_eq!(session.version, 3);
    assert_eq!(session.auth_time, start());
    assert_eq!(session.expires_at, start() + Duration::days(7));
}

#[test]
fn the_header_is_dir_a256gcm_and_the_claims_are_not_readable() {
    let (member, token) = issued();
    let parts = segments(&token);
    assert_eq!(parts.len(), 5);
    assert!(parts[1].is_empty(), "dir has no encrypted key");
    let header: serde_json::Value = serde_json::from_str(&decode_json(&parts[0])).expect("json");
    assert_eq!((header["alg"].as_str(), header["enc"].as_str()), (Some("dir"), Some("A256GCM")));
    assert!(!token.contains(&member.to_string()));
}

#[test]
fn an_expired_session_is_rejected() {
    let (member, _) = issued();
    // Issued late in its absolute lifetime: exp is capped there, before the idle timeout.
    let late = tokens().issue(member, 3, start(), start() + Duration::days(28));
    let result = tokens().verify(&late, start() + Duration::days(30) + Duration::minutes(2));
    assert!(
        matches!(result, Err(TokenError::Expired | TokenError::AbsoluteLifetimeExceeded)),
        "{result:?}"
    );
}

#[test]
fn a_session_issued_in_the_future_is_not_yet_valid() {
    let (_, token) = issued();
    assert_eq!(
        tokens().verify(&token, start() - Duration::minutes(2)),
        Err(TokenError::NotYetValid)
    );
}

#[test]
fn an_idle_session_times_out() {
    let (_, token) = issued();
    let result = tokens().verify(&token, start() + Duration::days(7) + Duration::minutes(2));
    assert_eq!(result, Err(TokenError::IdleTimeout));
}

#[test]
fn an_active_session_still_ends_at_its_absolute_lifetime() {
    let tokens = tokens();
    let member = OwnerId::random();
    let mut token = tokens.issue(member, 1, start(), start());
    // Used every day: refreshed daily, never idle.
    for day in 1..=29 {
        let now = start() + Duration::days(day);
        let session = tokens.verify(&token, now).expect("still valid");
        token = tokens.refresh(&session, now).expect("due for refresh");
    }
    let session = tokens.verify(&token, start() + Duration::days(29)).expect("valid");
    assert_eq!(
        session.expires_at,
        start() + Duration::days(30),
        "never past the absolute lifetime"
    );
    let result = tokens.verify(&token, start() + Duration::days(30) + Duration::minutes(2));
    assert_eq!(result, Err(TokenError::AbsoluteLifetimeExceeded));
}

#[test]
fn a_session_is_refreshed_only_after_the_refresh_age() {
    let (_, token) = issued();
    let session = tokens().verify(&token, start()).expect("valid");
    assert!(tokens().refresh(&session, start() + Duration::hours(23)).is_none());
    let refreshed = tokens().refresh(&session, start() + Duration::days(1)).expect("due");
    let renewed = tokens().verify(&refreshed, start() + Duration::days(1)).expect("valid");
    assert_eq!(renewed.issued_at, start() + Duration::days(1));
    assert_eq!(renewed.auth_time, start(), "sign-in time is kept");
    assert_eq!(renewed.id, session.id, "it is the same session");
}

#[test]
fn every_sign_in_is_a_session_of_its_own() {
    let (member, first) = issued();
    let second = tokens().issue(member, 3, start(), start());
    let ids = [first, second].map(|token| tokens().verify(&token, start()).expect("valid").id);
    assert!(ids[0].is_some() && ids[1].is_some() && ids[0] != ids[1], "{ids:?}");
}

#[test]
fn a_session_with_an_older_version_is_revoked() {
    let (_, token) = issued();
    let session = tokens().verify(&token, start()).expect("valid");
    assert_eq!(session.check_version(3), Ok(()));
    assert_eq!(session.check_version(4), Err(TokenError::Revoked));
}

#[test]
fn a_tampered_ciphertext_is_rejected() {
    let (_, token) = issued();
    let forged = with_segment(&token, 3, &flip(&segments(&token)[3]));
    assert_eq!(tokens().verify(&forged, start()), Err(TokenError::BadSignature));
}

#[test]
fn a_tampered_tag_is_rejected() {
    let (_, token) = issued();
    let forged = with_segment(&token, 4, &flip(&segments(&token)[4]));
    assert_eq!(tokens().verify(&forged, start()), Err(TokenError::BadSignature));
}

#[test]
fn segments_of_the_wrong_shape_are_malformed() {
    let (_, token) = issued();
    let parts = segments(&token);
    let cut_tag = &parts[4][..parts[4].len() - 2];
    let other_iv = encode_json("twelve bytes!");
    for (index, segment) in [(1, "AAAA"), (2, other_iv.as_str()), (4, cut_tag), (3, "not base64!")]
    {
        let forged = with_segment(&token, index, segment);
        assert_eq!(
            tokens().verify(&forged, start()),
            Err(TokenError::Malformed),
            "{index}: {segment}"
        );
    }
}

#[test]
fn a_tampered_header_is_rejected() {
    let (_, token) = issued();
    // Still dir + A256GCM, but the header is authenticated data: any change breaks the tag.
    let header = encode_json(r#"{"enc":"A256GCM","alg":"dir","typ":"JWT"}"#);
    let forged = with_segment(&token, 0, &header);
    assert_eq!(tokens().verify(&forged, start()), Err(TokenError::BadSignature));
}

#[test]
fn alg_none_is_rejected() {
    let (_, token) = issued();
    let forged = with_segment(&token, 0, &encode_json(r#"{"alg":"none","enc":"A256GCM"}"#));
    assert_eq!(tokens().verify(&forged, start()), Err(TokenError::WrongAlgorithm));
}

#[test]
fn a_switched_algorithm_is_rejected() {
    let (_, token) = issued();
    for header in [
        r#"{"alg":"A256KW","enc":"A256GCM"}"#,
        r#"{"alg":"dir","enc":"A128CBC-HS256"}"#,
        r#"{"alg":"RSA-OAEP","enc":"A256GCM"}"#,
        r#"{"alg":"dir","enc":"A256GCM","zip":"DEF"}"#,
        r#"{"alg":"HS256"}"#,
    ] {
        let forged = with_segment(&token, 0, &encode_json(header));
        assert_eq!(tokens().verify(&forged, start()), Err(TokenError::WrongAlgorithm), "{header}");
    }
}

#[test]
fn a_guest_token_is_not_a_session() {
    let guest = identity::GuestTokens::new(keys(SECRET), Duration::days(30));
    let token = guest.issue(OwnerId::random(), start());
    assert_eq!(tokens().verify(&token, start()), Err(TokenError::Malformed));
}

#[test]
fn a_session_encrypted_with_a_foreign_secret_is_rejected() {
    let foreign = SessionTokens::new(keys(FOREIGN_SECRET), policy());
    let token = foreign.issue(OwnerId::random(), 1, start(), start());
    assert_eq!(tokens().verify(&token, start()), Err(TokenError::BadSignature));
}

#[test]
fn a_session_from_the_old_secret_opens_after_rotation() {
    let old = SessionTokens::new(keys(OLD_SECRET), policy());
    let member = OwnerId::random();
    let token = old.issue(member, 1, start(), start());
    let rotated = SessionTokens::new(keys(&format!("{SECRET},{OLD_SECRET}")), policy());
    assert_eq!(rotated.verify(&token, start()).map(|s| s.member), Ok(member));
}

#[test]
fn a_session_from_a_dropped_secret_is_rejected() {
    let old = SessionTokens::new(keys(OLD_SECRET), policy());
    let token = old.issue(OwnerId::random(), 1, start(), start());
    assert_eq!(tokens().verify(&token, start()), Err(TokenError::BadSignature));
}

#[test]
fn an_oversized_session_cookie_is_rejected_unread() {
    let (_, token) = issued();
    let huge = format!("{token}{}", "A".repeat(MAX_TOKEN_LEN));
    assert_eq!(tokens().verify(&huge, start()), Err(TokenError::Oversized));
}

#[test]
fn garbage_is_malformed() {
    for garbage in
        ["", "....", "a.b.c.d.e", "!!!.@@@.###.$$$.%%%", "e30....", "e30.e30.e30.e30.e30"]
    {
        let result = tokens().verify(garbage, start());
        assert!(
            matches!(
                result,
                Err(TokenError::Malformed | TokenError::WrongAlgorithm | TokenError::BadSignature)
            ),
            "{garbage:?}: {result:?}"
        );
    }
}

#[test]
fn clocks_may_disagree_by_a_minute_either_way_and_no_more() {
    let (_, token) = issued();
    let at = |offset: Duration| tokens().verify(&token, start() + offset);
    assert!(at(Duration::seconds(-60)).is_ok(), "issued a minute ahead of our clock");
    assert_eq!(at(Duration::seconds(-61)), Err(TokenError::NotYetValid));
    let idle = Duration::days(7);
    assert!(at(idle + Duration::seconds(59)).is_ok(), "a minute's grace at the idle timeout");
    assert_eq!(at(idle + Duration::seconds(60)), Err(TokenError::IdleTimeout));

    // Refreshed daily up to the last day: the absolute lifetime has the same grace.
    let tokens = tokens();
    let mut token = tokens.issue(OwnerId::random(), 1, start(), start());
    for day in 1..=29 {
        let now = start() + Duration::days(day);
        token = tokens.refresh(&tokens.verify(&token, now).expect("valid"), now).expect("due");
    }
    let end = start() + Duration::days(30);
    assert!(tokens.verify(&token, end + Duration::seconds(59)).is_ok());
    let over = tokens.verify(&token, end + Duration::seconds(60));
    assert_eq!(over, Err(TokenError::AbsoluteLifetimeExceeded));
    let custom = SessionPolicy { idle_timeout: Duration::hours(1), ..policy() };
    assert_eq!(SessionTokens::new(keys(SECRET), custom).policy(), custom);
}

#[test]
fn a_cookie_of_exactly_the_size_limit_is_read() {
    let at_limit = "a".repeat(MAX_TOKEN_LEN);
    assert_eq!(tokens().verify(&at_limit, start()), Err(TokenError::Malformed));
    let over = "a".repeat(MAX_TOKEN_LEN + 1);
    assert_eq!(tokens().verify(&over, start()), Err(TokenError::Oversized));
}

/// A session sealed by the previous implementation (josekit, over OpenSSL) for the member
/// below at `start()`: sessions issued before the move to RustCrypto must still open.
const SEALED_BY_JOSEKIT: &str = "eyJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiZGlyIn0..3SHP9qKz1tt-76vN.Q27nNfIkcId9IQUtk-mkjvYoelAK5U8LifykDmbHj5Siy2DPmA9dUQRBzBArqwlMt8HmiIAk9CugUW2HQlWX3OpRoYpRTx3ru4WgSed6vEYo3-F5ewN8DEyH1DSucRVzgKWoFbsX06hEB_W_tHd7WmZcH0uHof9O9VWy75wj_P1bF3I6ec02uhcF-44ONP2CY5AvSJJPQ9GzD1_Z.Phf3DuT-WfH4_ESbqyKxTg";

#[test]
fn a_session_sealed_by_the_previous_implementation_still_opens() {
    let member = OwnerId::from_uuid(
        uuid::Uuid::parse_str("0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b").expect("uuid"),
    );
    let session =
        tokens().verify(SEALED_BY_JOSEKIT, start() + Duration::hours(1)).expect("still opens");
    assert_eq!((session.member, session.version, session.auth_time), (member, 3, start()));
    assert!(session.id.is_some());
    // Its tag still guards it: one flipped byte of the ciphertext and it does not open.
    let parts = segments(SEALED_BY_JOSEKIT);
    let tampered = with_segment(SEALED_BY_JOSEKIT, 3, &flip(&parts[3]));
    assert_eq!(tokens().verify(&tampered, start()), Err(TokenError::BadSignature));
}

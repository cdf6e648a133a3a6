use chrono::Duration;
use identity::{GuestTokens, MAX_TOKEN_LEN, OwnerId, TokenError};

use crate::helpers::*;

fn tokens() -> GuestTokens {
    GuestTokens::new(keys(SECRET), Duration::days(30))
}

fn issued() -> (OwnerId, String) {
    let sid = OwnerId::random();
    (sid, tokens().issue(sid, start()))
}

#[test]
fn a_valid_token_verifies_to_its_sid() {
    let (sid, token) = issued();
    let verified = tokens().verify(&token, start() + Duration::days(29)).expect("valid");
    assert_eq!(verified.sid, sid);
    assert_eq!(verified.expires_at, start() + Duration::days(30));
}

#[test]
fn the_payload_carries_exactly_typ_sid_iat_exp() {
    let (sid, token) = issued();
    let payload: serde_json::Value =
        serde_json::from_str(&decode_json(&segments(&token)[1])).expect("json");
    assert_eq!(payload["typ"], "guest");
    assert_eq!(payload["sid"], sid.to_string());
    assert_eq!(payload.as_object().map(|o| o.len()), Some(4));
    assert_eq!(decode_json(&segments(&token)[0]), r#"{"typ":"JWT","alg":"HS256"}"#);
}

/// Written by Python's `hmac` and `hashlib` from RFC 7519 and RFC 5869, for this sid at
/// [`start`]: the crate issues the standard HS256 JWT byte for byte, so guest cookies
/// issued before it wrote its own (with the `jsonwebtoken` crate, the same bytes) still
/// verify.
const STANDARD_TOKEN: &str = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJ0eXAiOiJndWVzdCIsInNpZCI6IjAwMDAwMDAwLTAwMDAtNDAwMC04MDAwLTAwMDAwMDAwMDAwMSIsImlhdCI6MTc3MjM1NTYwMCwiZXhwIjoxNzc0OTQ3NjAwfQ.n3NKtQ9bOoN3PvVcrV1lKADz_j_j8C2LNH00odkDw5A";

#[test]
fn a_token_is_the_standard_hs256_jwt_byte_for_byte() {
    let sid = OwnerId::from_uuid("00000000-0000-4000-8000-000000000001".parse().expect("uuid"));
    assert_eq!(tokens().issue(sid, start()), STANDARD_TOKEN);
    assert_eq!(tokens().verify(STANDARD_TOKEN, start()).map(|t| t.sid), Ok(sid));
}

#[test]
fn an_expired_token_is_rejected() {
    let (_, token) = issued();
    let result = tokens().verify(&token, start() + Duration::days(30) + Duration::seconds(61));
    assert_eq!(result, Err(TokenError::Expired));
}

#[test]
fn a_token_within_the_leeway_of_expiry_is_still_accepted() {
    let (_, token) = issued();
    assert!(tokens().verify(&token, start() + Duration::days(30) + Duration::seconds(59)).is_ok());
}

#[test]
fn a_token_issued_in_the_future_is_not_yet_valid() {
    let (_, token) = issued();
    assert_eq!(
        tokens().verify(&token, start() - Duration::minutes(2)),
        Err(TokenError::NotYetValid)
    );
    assert!(tokens().verify(&token, start() - Duration::seconds(30)).is_ok(), "within leeway");
}

#[test]
fn a_tampered_payload_is_rejected() {
    let (sid, token) = issued();
    let payload = decode_json(&segments(&token)[1]);
    let other = payload.replace(&sid.to_string(), &OwnerId::random().to_string());
    let forged = with_segment(&token, 1, &encode_json(&other));
    assert_eq!(tokens().verify(&forged, start()), Err(TokenError::BadSignature));
}

#[test]
fn a_tampered_signature_is_rejected() {
    let (_, token) = issued();
    let forged = with_segment(&token, 2, &flip(&segments(&token)[2]));
    assert_eq!(tokens().verify(&forged, start()), Err(TokenError::BadSignature));
}

#[test]
fn alg_none_is_rejected() {
    let (_, token) = issued();
    let unsigned =
        format!("{}.{}.", encode_json(r#"{"alg":"none","typ":"JWT"}"#), segments(&token)[1]);
    assert_eq!(tokens().verify(&unsigned, start()), Err(TokenError::WrongAlgorithm));
}

#[test]
fn a_token_signed_with_hs512_is_rejected() {
    let (_, token) = issued();
    let claims: serde_json::Value =
        serde_json::from_str(&decode_json(&segments(&token)[1])).expect("json");
    // Signed with the right key: only the algorithm is wrong.
    let hs512 = sign_with_guest_key("HS512", &claims);
    assert_eq!(tokens().verify(&hs512, start()), Err(TokenError::WrongAlgorithm));
}

#[test]
fn an_rs256_header_is_rejected() {
    let (_, token) = issued();
    let rs256 = with_segment(&token, 0, &encode_json(r#"{"alg":"RS256","typ":"JWT"}"#));
    assert_eq!(tokens().verify(&rs256, start()), Err(TokenError::WrongAlgorithm));
}

#[test]
fn a_header_that_names_a_key_is_rejected() {
    let (_, token) = issued();
    let kid = with_segment(&token, 0, &encode_json(r#"{"alg":"HS256","kid":"../../etc/passwd"}"#));
    assert_eq!(tokens().verify(&kid, start()), Err(TokenError::WrongAlgorithm));
}

#[test]
fn a_token_of_another_type_is_rejected() {
    let (_, token) = issued();
    let payload =
        decode_json(&segments(&token)[1]).replace(r#""typ":"guest""#, r#""typ":"member""#);
    let claims: serde_json::Value = serde_json::from_str(&payload).expect("json");
    // Correctly signed with the guest key: only the type is wrong.
    let signed = sign_with_guest_key("HS256", &claims);
    assert_eq!(tokens().verify(&signed, start()), Err(TokenError::WrongType));
}

#[test]
fn a_token_signed_with_a_foreign_secret_is_rejected() {
    let foreign = GuestTokens::new(keys(FOREIGN_SECRET), Duration::days(30));
    let token = foreign.issue(OwnerId::random(), start());
    assert_eq!(tokens().verify(&token, start()), Err(TokenError::BadSignature));
}

#[test]
fn a_token_signed_with_the_old_secret_verifies_after_rotation() {
    let old = GuestTokens::new(keys(OLD_SECRET), Duration::days(30));
    let sid = OwnerId::random();
    let token = old.issue(sid, start());
    let rotated = GuestTokens::new(keys(&format!("{SECRET},{OLD_SECRET}")), Duration::days(30));
    assert_eq!(rotated.verify(&token, start()).map(|t| t.sid), Ok(sid));
    // New tokens are signed with the new secret: the old secret alone cannot verify them.
    let fresh = rotated.issue(sid, start());
    assert_eq!(old.verify(&fresh, start()), Err(TokenError::BadSignature));
}

#[test]
fn a_token_signed_with_a_dropped_secret_is_rejected() {
    let old = GuestTokens::new(keys(OLD_SECRET), Duration::days(30));
    let token = old.issue(OwnerId::random(), start());
    assert_eq!(tokens().verify(&token, start()), Err(TokenError::BadSignature));
}

#[test]
fn an_oversized_cookie_is_rejected_unread() {
    let (_, token) = issued();
    let huge = format!("{token}{}", "A".repeat(MAX_TOKEN_LEN));
    assert_eq!(tokens().verify(&huge, start()), Err(TokenError::Oversized));
}

#[test]
fn garbage_base64_is_malformed() {
    for garbage in ["", "not a token", "a.b.c", "!!!.@@@.###", "eyJhbGciOiJIUzI1NiJ9", "....."] {
        let result = tokens().verify(garbage, start());
        assert!(
            matches!(result, Err(TokenError::Malformed | TokenError::WrongAlgorithm)),
            "{garbage:?}: {result:?}"
        );
    }
}

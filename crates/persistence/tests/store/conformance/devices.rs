//! Device codes on the database: the redeeming browser's avatars join the code's guest,
//! in order, its guest is retired; never past the cap; one code, one redemption.

use chrono::Duration;
use identity::{DeviceStore, OwnerId, email::ShortCode};
use persistence::StoreError;

use super::*;
use crate::support::TestDb;

const LIFETIME: Duration = Duration::minutes(10);

pub async fn a_device_code_appends_the_redeemers_avatars_and_retires_it(db: TestDb) {
    let (guest, phone) = (OwnerId::random(), OwnerId::random());
    roster_of(&db, guest, &["A", "B"]).await;
    roster_of(&db, phone, &["C"]).await;
    let code = ShortCode::random();
    db.store.save_device_code(code.digest(), guest, LIFETIME).await.expect("save");
    let (carried, merge) =
        db.store.redeem_device_code(code.digest(), phone).await.expect("redeem").expect("live");
    assert_eq!((carried, merge.moved_avatars), (guest, 1));
    assert_eq!(roster(&db, guest).await, places(&["A", "B", "C"]));
    assert!(db.store.guest_retired(phone).await.expect("read"));
    let late = db.store.create_avatar(phone, avatar("🐭", "D")).await;
    assert!(matches!(late, Err(StoreError::GuestMerged)), "{late:?}");
    assert_eq!(db.scalar("SELECT COUNT(*) AS n FROM device_codes").await, 0, "spent");
}

pub async fn a_device_code_past_the_cap_changes_nothing_and_stays(db: TestDb) {
    let store = db.store.clone().with_avatar_limit(3);
    let (guest, phone) = (OwnerId::random(), OwnerId::random());
    roster_of(&db, guest, &["A", "B"]).await;
    roster_of(&db, phone, &["C", "D"]).await;
    let code = ShortCode::random();
    store.save_device_code(code.digest(), guest, LIFETIME).await.expect("save");
    let (_, merge) =
        store.redeem_device_code(code.digest(), phone).await.expect("redeem").expect("live");
    assert_eq!((merge.moved_avatars, merge.held_back), (0, 2));
    assert_eq!(roster(&db, guest).await, places(&["A", "B"]));
    assert_eq!(roster(&db, phone).await, places(&["C", "D"]));
    assert!(!store.guest_retired(phone).await.expect("read"));
    let empty = store.redeem_device_code(code.digest(), OwnerId::random()).await.expect("redeem");
    assert_eq!(empty.map(|(carried, _)| carried), Some(guest), "the code still worked");
}

pub async fn two_redemptions_of_one_code_at_once_carry_one_browser(db: TestDb) {
    let guest = OwnerId::random();
    roster_of(&db, guest, &["A"]).await;
    let code = ShortCode::random();
    db.store.save_device_code(code.digest(), guest, LIFETIME).await.expect("save");
    let redeem = |phone: OwnerId| {
        let store = db.store.clone();
        let digest = code.digest();
        tokio::spawn(async move { store.redeem_device_code(digest, phone).await })
    };
    let (one, two) = (redeem(OwnerId::random()), redeem(OwnerId::random()));
    let results = [one.await.expect("task"), two.await.expect("task")];
    let carried = results.iter().filter(|r| matches!(r, Ok(Some(_)))).count();
    assert_eq!(carried, 1, "{results:?}");
    assert!(results.iter().all(Result::is_ok), "{results:?}");
}

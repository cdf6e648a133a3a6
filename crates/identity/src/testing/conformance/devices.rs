//! The rules of device codes: spent once, dead when expired, and carrying nobody once
//! their guest became a member.

use chrono::Duration;

use super::{Subject, member};
use crate::{AccountStore, DeviceStore, OwnerId, email::ShortCode};

const LIFETIME: Duration = Duration::minutes(10);

pub async fn a_device_code_carries_its_guest_once_and_dies_when_it_expires<
    S: DeviceStore + AccountStore,
>(
    Subject { store, clock }: Subject<S>,
) {
    let (guest, redeemer) = (OwnerId::random(), OwnerId::random());
    let code = ShortCode::random();
    store.save_device_code(code.digest(), guest, LIFETIME).await.expect("save");
    let unknown = store.redeem_device_code(ShortCode::random().digest(), redeemer).await;
    assert_eq!(unknown.expect("redeem"), None);

    let redeemed = store.redeem_device_code(code.digest(), redeemer).await.expect("redeem");
    let (carried, merge) = redeemed.expect("a live code");
    assert_eq!((carried, merge.held_back), (guest, 0));
    assert_eq!(
        store.redeem_device_code(code.digest(), OwnerId::random()).await.expect("again"),
        None
    );

    // The code's own guest may spend it, moving nothing; an expired one works for nobody.
    let own = ShortCode::random();
    store.save_device_code(own.digest(), guest, LIFETIME).await.expect("save");
    let same = store.redeem_device_code(own.digest(), guest).await.expect("redeem");
    assert_eq!(same.map(|(carried, merge)| (carried, merge.moved_avatars)), Some((guest, 0)));
    let late = ShortCode::random();
    store.save_device_code(late.digest(), guest, LIFETIME).await.expect("save");
    clock.advance(LIFETIME + Duration::seconds(1));
    assert_eq!(store.redeem_device_code(late.digest(), redeemer).await.expect("late"), None);
}

pub async fn a_device_code_of_a_guest_that_became_a_member_carries_nobody<
    S: DeviceStore + AccountStore,
>(
    Subject { store, .. }: Subject<S>,
) {
    let guest = OwnerId::random();
    let code = ShortCode::random();
    store.save_device_code(code.digest(), guest, LIFETIME).await.expect("save");
    let ada = member(&store, "ada@example.com").await;
    store.merge_guest_into_member(guest, ada.id).await.expect("merge");
    let redeemed = store.redeem_device_code(code.digest(), OwnerId::random()).await;
    assert_eq!(redeemed.expect("redeem"), None, "the member signs in instead");
    // Nor does a retired guest make a code.
    let made = store.save_device_code(ShortCode::random().digest(), guest, LIFETIME).await;
    assert!(made.is_err(), "{made:?}");
}

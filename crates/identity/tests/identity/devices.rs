//! A guest continuing on another device with a short code, on the in-memory store: the
//! code works once, brings the other browser's rows along, never past the cap, and is
//! tried a bounded number of times per network.

use std::{net::IpAddr, sync::Arc};

use identity::{
    ManualClock, OwnerId,
    account::{AccountError, Accounts, PasswordHasher},
    devices::DEVICE_CODE_TRIES,
    testing::MemoryStore,
};

use crate::helpers::start;

fn accounts(cap: u32) -> (MemoryStore, Accounts<MemoryStore>) {
    let store = MemoryStore::new(Arc::new(ManualClock::new(start()))).with_cap(cap);
    (store.clone(), Accounts::new(store, PasswordHasher::new()))
}

const HOME: Option<IpAddr> = Some(IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 1)));
const PHONE: Option<IpAddr> = Some(IpAddr::V4(std::net::Ipv4Addr::new(198, 51, 100, 7)));

#[tokio::test]
async fn a_code_makes_another_browser_the_same_guest_once_bringing_its_rows() {
    let (store, accounts) = accounts(100);
    let (guest, phone) = (OwnerId::random(), OwnerId::random());
    store.give(guest, 3);
    store.give(phone, 2);
    let code = accounts.make_device_code(guest, HOME).await.expect("a code");
    let typed = code.to_string().to_lowercase().replace('-', " ");
    let continued = accounts.continue_as_guest(&typed, phone, PHONE).await.expect("continued");
    assert_eq!(continued.guest, guest);
    assert_eq!(continued.merge.moved_avatars, 2);
    assert_eq!((store.owned(guest), store.owned(phone)), (5, 0));
    let again = accounts.continue_as_guest(&code.to_string(), OwnerId::random(), PHONE).await;
    assert!(matches!(again, Err(AccountError::BadLink)), "{again:?}");
    let nonsense = accounts.continue_as_guest("not a code", OwnerId::random(), PHONE).await;
    assert!(matches!(nonsense, Err(AccountError::BadLink)), "{nonsense:?}");
}

#[tokio::test]
async fn a_code_that_would_pass_the_cap_changes_nothing_and_still_works() {
    let (store, accounts) = accounts(5);
    let (guest, full, light) = (OwnerId::random(), OwnerId::random(), OwnerId::random());
    store.give(guest, 4);
    store.give(full, 2);
    store.give(light, 1);
    let code = accounts.make_device_code(guest, HOME).await.expect("a code");
    let refused = accounts.continue_as_guest(&code.to_string(), full, PHONE).await;
    assert!(matches!(refused, Err(AccountError::NoRoom)), "{refused:?}");
    assert_eq!((store.owned(guest), store.owned(full)), (4, 2), "nothing moved");
    let fits = accounts.continue_as_guest(&code.to_string(), light, PHONE).await;
    assert_eq!(fits.expect("continued").merge.moved_avatars, 1);
}

#[tokio::test]
async fn typing_and_making_codes_are_limited_per_network() {
    let (_, accounts) = accounts(100);
    for _ in 0..DEVICE_CODE_TRIES {
        let wrong = accounts.continue_as_guest("ABCD-EFGH", OwnerId::random(), PHONE).await;
        assert!(matches!(wrong, Err(AccountError::BadLink)), "{wrong:?}");
    }
    let over = accounts.continue_as_guest("ABCD-EFGH", OwnerId::random(), PHONE).await;
    assert!(matches!(over, Err(AccountError::TooManyAttempts { .. })), "{over:?}");
    // Another network types on; making codes has a budget of its own.
    let other = accounts.continue_as_guest("ABCD-EFGH", OwnerId::random(), HOME).await;
    assert!(matches!(other, Err(AccountError::BadLink)), "{other:?}");
    for _ in 0..DEVICE_CODE_TRIES {
        accounts.make_device_code(OwnerId::random(), PHONE).await.expect("a code");
    }
    let over = accounts.make_device_code(OwnerId::random(), PHONE).await;
    assert!(matches!(over, Err(AccountError::TooManyAttempts { .. })), "{over:?}");
}

//! For tests of stores and of apps built on this crate: an in-memory store, and the
//! conformance suite every [`crate::AccountStore`] must pass (run here on the memory
//! store, and by the persistence crate on SQLite and PostgreSQL).

/// The suite, one `pub async fn` per rule.
pub mod conformance;
/// A mailer that keeps what it is given.
mod mailer;
/// A store over a map.
mod memory;

pub use mailer::MemoryMailer;
pub use memory::{MemoryStore, MemoryStoreError};

/// Calls `$runner!(name, name, …)` with the name of every test of [`conformance`], so a
/// store's test binary generates one test per rule and none is forgotten.
#[macro_export]
macro_rules! account_store_conformance {
    ($runner:ident) => {
        $runner!(
            a_member_is_found_by_normalised_email,
            a_taken_email_is_refused_and_nothing_is_stored,
            bumping_the_session_version_revokes_older_sessions,
            a_signed_out_session_ends_and_the_members_others_go_on,
            a_merge_is_idempotent,
            a_merged_guest_cannot_be_merged_into_another_member,
            a_member_cannot_be_merged_as_a_guest,
            a_merge_into_an_unknown_member_is_refused,
            a_sign_up_creates_the_member_and_merges_the_guest_in_one_step,
            a_sign_up_with_a_taken_email_creates_nothing_and_merges_nothing,
            a_sign_up_by_a_retired_guest_is_refused_and_creates_nothing,
            a_password_change_replaces_the_hash_and_ends_every_session,
            deleting_a_member_removes_it_with_its_merged_guests_and_frees_the_email,
            attempts_are_counted_per_key_within_a_window,
            concurrent_attempts_are_each_counted_once,
            an_attempt_taken_back_counts_no_more,
            a_member_made_from_a_provider_identity_is_found_by_it,
            a_provider_identity_links_to_one_member_once,
            the_last_way_to_sign_in_is_never_unlinked,
            deleting_a_member_frees_its_provider_identities,
            a_passkey_is_added_listed_found_and_used,
            a_member_made_with_a_passkey_has_its_chosen_id_and_the_passkey,
            the_last_way_to_sign_in_is_never_removed,
            a_passkey_lets_the_last_link_go_and_goes_with_its_member,
            two_removals_at_once_leave_one_way_to_sign_in,
            concurrent_ceremonies_add_no_passkey_past_the_cap,
            a_ceremony_is_spent_once_even_when_finished_twice_at_once,
            a_reset_token_sets_the_password_verifies_and_ends_sessions_once,
            a_reset_token_dies_when_it_expires_or_a_newer_one_is_issued,
            a_members_tokens_go_with_it,
            two_resets_with_one_token_at_once_set_one_password,
            a_verify_token_confirms_the_address_it_was_mailed_to_once,
            a_reset_of_an_unconfirmed_address_removes_its_passkeys_and_links,
            a_provider_takes_an_unconfirmed_account_and_its_holder_keeps_no_way_in,
            a_sign_in_token_is_found_by_its_asker_and_spent_once_proving_the_address,
            a_change_token_moves_the_account_once_ends_sessions_and_kills_old_links,
            a_change_to_a_taken_address_changes_nothing,
            a_device_code_carries_its_guest_once_and_dies_when_it_expires,
            a_device_code_of_a_guest_that_became_a_member_carries_nobody,
        );
    };
}

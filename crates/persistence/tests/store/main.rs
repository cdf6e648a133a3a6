//! The store's conformance suites: every test runs once on SQLite and once on PostgreSQL,
//! each in a database of its own, so both backends are held to the same behaviour. The
//! store's own suite (`conformance`) covers the roster and what only a database can get
//! wrong; `identity`'s account-store suite covers the account rules, as it does for the
//! in-memory store.

mod conformance;
mod serving;
mod support;

/// Generates, for each conformance test, a `sqlite::<name>` and a `postgres::<name>` test.
macro_rules! on_every_backend {
    ($($test:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    crate::conformance::$test(crate::support::TestDb::sqlite().await).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    if let Some(db) = crate::support::TestDb::postgres().await {
                        crate::conformance::$test(db).await;
                    }
                }
            )*
        }
    };
}

on_every_backend!(
    a_guest_without_writes_has_no_owner_row,
    the_first_write_creates_the_guest_owner_row,
    another_owner_cannot_see_update_or_delete_an_avatar,
    avatars_are_listed_in_creation_order,
    a_partial_update_changes_only_the_given_fields,
    delete_removes_only_that_avatar,
    delete_returns_the_avatar_it_removed_and_closes_the_gap,
    a_restored_avatar_returns_to_its_place,
    a_restore_position_is_clamped_to_the_roster,
    a_move_swaps_with_the_neighbour_and_stays_put_at_the_ends,
    a_move_after_another_tab_added_an_avatar_succeeds,
    positions_stay_gapless_through_deletes_moves_and_merges,
    positions_written_before_the_gapless_rule_are_renumbered_by_the_next_change,
    refused_writes_change_nothing_stored,
    the_avatar_cap_is_enforced_and_stores_nothing_more,
    the_avatar_cap_holds_under_concurrent_creates,
    a_second_member_with_the_same_email_is_rejected,
    merge_moves_every_avatar_to_the_end_of_the_members_roster,
    merge_is_idempotent,
    merging_a_guest_that_never_wrote_retires_its_id,
    a_merged_guest_cannot_be_merged_into_another_member,
    merge_into_an_unknown_member_changes_nothing,
    merge_that_fails_midway_leaves_both_sides_unchanged,
    a_sign_up_moves_the_guests_avatars_to_the_new_member_in_order,
    a_guest_is_retired_once_merged_and_only_then,
    a_refused_sign_up_leaves_the_guests_avatars_where_they_were,
    two_concurrent_merges_of_one_guest_move_its_avatars_once,
    a_merge_past_the_cap_moves_nothing_and_the_guest_keeps_its_avatars,
    keeping_some_of_both_completes_the_merge_once,
    a_choice_past_the_cap_or_of_unknown_avatars_changes_nothing,
    a_device_code_appends_the_redeemers_avatars_and_retires_it,
    a_device_code_past_the_cap_changes_nothing_and_stays,
    two_redemptions_of_one_code_at_once_carry_one_browser,
    a_change_sent_again_with_its_key_is_made_once_and_answered_the_same,
    a_key_sent_with_another_request_is_refused_and_changes_nothing,
    a_key_outlives_its_store_and_holds_across_instances,
    keys_are_their_owners_and_follow_a_guest_into_its_member,
    a_key_is_kept_a_day,
    deleting_an_owner_cascades_to_its_avatars,
    deleting_a_member_removes_everything_of_its_own_and_nothing_else,
    stale_guests_are_deleted_with_their_avatars,
    touch_last_seen_updates_an_existing_owner_only,
    old_attempt_counts_expired_ended_sessions_ceremonies_and_links_are_swept,
    migrations_go_up_down_and_up_again,
    names_stored_before_the_invisible_character_rule_still_load,
    every_text_column_holds_the_longest_value_its_rule_allows,
);

/// `identity`'s account-store suite, as `accounts::sqlite::<name>` and
/// `accounts::postgres::<name>`.
macro_rules! accounts_on_every_backend {
    ($($test:ident),* $(,)?) => {
        mod accounts {
            mod sqlite {
                $(
                    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                    async fn $test() {
                        let db = crate::support::TestDb::sqlite().await;
                        identity::testing::conformance::$test(db.subject()).await;
                    }
                )*
            }
            mod postgres {
                $(
                    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                    async fn $test() {
                        if let Some(db) = crate::support::TestDb::postgres().await {
                            identity::testing::conformance::$test(db.subject()).await;
                        }
                    }
                )*
            }
        }
    };
}

identity::account_store_conformance!(accounts_on_every_backend);

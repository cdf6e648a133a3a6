//! The roster read and the toggle, as JSON: Guestroom's `POST /api/roster/list` and
//! `POST /api/roster/activate`, on the rows Guestroom wrote (ids as 16-byte blobs, times
//! as RFC 3339 text).

use axum::{
    Form, Json,
    http::{HeaderMap, StatusCode},
};
use serde::{Deserialize, Serialize};
use sqlx::{Row, sqlite::SqliteRow};
use uuid::Uuid;

use crate::Shared;

/// One avatar, as Guestroom's `AvatarView` is written.
#[derive(Serialize)]
pub struct Avatar {
    pub id: Uuid,
    pub emoji: String,
    pub name: String,
    pub is_active: bool,
    pub position: i32,
}

impl Avatar {
    fn from_row(row: &SqliteRow) -> Result<Self, sqlx::Error> {
        let id: &[u8] = row.try_get("id")?;
        Ok(Self {
            id: Uuid::from_slice(id).map_err(|error| sqlx::Error::Decode(error.into()))?,
            emoji: row.try_get("emoji")?,
            name: row.try_get("name")?,
            is_active: row.try_get("is_active")?,
            position: row.try_get("position")?,
        })
    }
}

const LIST: &str = "SELECT id, emoji, name, is_active, position FROM avatars \
                    WHERE owner_id = ? ORDER BY position, created_at, id";
const ACTIVATE: &str = "UPDATE avatars SET is_active = ?, updated_at = ? \
                        WHERE id = ? AND owner_id = ? RETURNING id, emoji, name, is_active, position";

fn failed(_: sqlx::Error) -> StatusCode {
    StatusCode::INTERNAL_SERVER_ERROR
}

/// The owner's avatars in roster order.
pub async fn avatars(pool: &sqlx::SqlitePool, owner: Uuid) -> Result<Vec<Avatar>, StatusCode> {
    let rows = sqlx::query(LIST)
        .bind(owner.as_bytes().as_slice())
        .fetch_all(pool)
        .await
        .map_err(failed)?;
    rows.iter().map(Avatar::from_row).collect::<Result<_, _>>().map_err(failed)
}

pub async fn list(state: Shared, headers: HeaderMap) -> Result<Json<Vec<Avatar>>, StatusCode> {
    let owner = state.guests.owner(&headers)?;
    Ok(Json(avatars(&state.pool, owner).await?))
}

#[derive(Deserialize)]
pub struct Activate {
    id: Uuid,
    is_active: bool,
}

pub async fn activate(
    state: Shared,
    headers: HeaderMap,
    Form(form): Form<Activate>,
) -> Result<Json<Avatar>, StatusCode> {
    let owner = state.guests.owner(&headers)?;
    #[expect(clippy::disallowed_methods, reason = "no tests move this server's time")]
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false);
    let row = sqlx::query(ACTIVATE)
        .bind(form.is_active)
        .bind(now)
        .bind(form.id.as_bytes().as_slice())
        .bind(owner.as_bytes().as_slice())
        .fetch_optional(&state.pool)
        .await
        .map_err(failed)?
        .ok_or(StatusCode::NOT_FOUND)?;
    Ok(Json(Avatar::from_row(&row).map_err(failed)?))
}

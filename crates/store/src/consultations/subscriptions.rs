//! Residents' subscriptions to consultations by district and topic (each may be "any"): kept
//! per account, found for a consultation by the domain's `Interest::matches`.

use crate::entities::{consultation_subscriptions as subs, users};
use crate::{Result, now};
use miasto_domain::consultations::{Area, Interest, Topic};
use miasto_domain::{DistrictId, Locale, UserId};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};
use uuid::Uuid;

/// A subscription.
#[derive(Debug, Clone, PartialEq)]
pub struct Subscription {
    pub id: Uuid,
    pub user: UserId,
    pub interest: Interest,
}

fn from_row(r: subs::Model) -> Subscription {
    Subscription {
        id: r.id,
        user: UserId(r.user_id),
        interest: Interest {
            district: r.district_id.map(DistrictId),
            // A topic no longer known reads as "any": the resident still hears of the district.
            topic: r.topic.as_deref().and_then(Topic::parse),
        },
    }
}

/// Subscribes `user` to `interest`; the same interest twice is one subscription (its id).
pub async fn subscribe(c: &impl ConnectionTrait, user: UserId, interest: Interest) -> Result<Uuid> {
    if let Some(same) = of_user(c, user)
        .await?
        .into_iter()
        .find(|s| s.interest == interest)
    {
        return Ok(same.id);
    }
    let id = Uuid::now_v7();
    subs::Entity::insert(subs::ActiveModel {
        id: Set(id),
        user_id: Set(user.0),
        district_id: Set(interest.district.map(|d| d.0)),
        topic: Set(interest.topic.map(|t| t.as_str().to_owned())),
        created_at: Set(now()),
    })
    .exec_without_returning(c)
    .await?;
    Ok(id)
}

/// One subscription.
pub async fn get(c: &impl ConnectionTrait, id: Uuid) -> Result<Option<Subscription>> {
    Ok(subs::Entity::find_by_id(id).one(c).await?.map(from_row))
}

/// Ends a subscription; whether there was one.
pub async fn unsubscribe(c: &impl ConnectionTrait, id: Uuid) -> Result<bool> {
    Ok(subs::Entity::delete_by_id(id).exec(c).await?.rows_affected == 1)
}

/// An account's subscriptions, oldest first.
pub async fn of_user(c: &impl ConnectionTrait, user: UserId) -> Result<Vec<Subscription>> {
    Ok(subs::Entity::find()
        .filter(subs::Column::UserId.eq(user.0))
        .order_by_asc(subs::Column::CreatedAt)
        .order_by_asc(subs::Column::Id)
        .all(c)
        .await?
        .into_iter()
        .map(from_row)
        .collect())
}

/// A subscriber to tell: the subscription (for its unsubscribe link) and the address.
#[derive(Debug, Clone, PartialEq)]
pub struct Subscriber {
    pub subscription: Uuid,
    pub user: UserId,
    pub email: String,
    pub locale: Locale,
}

/// Who to tell about a consultation of `area` on `topics`: one subscription per account (its
/// first that matches), for accounts not disabled.
pub async fn subscribers(
    c: &impl ConnectionTrait,
    area: &Area,
    topics: &[Topic],
) -> Result<Vec<Subscriber>> {
    let rows = subs::Entity::find()
        .order_by_asc(subs::Column::UserId)
        .order_by_asc(subs::Column::CreatedAt)
        .all(c)
        .await?;
    let mut matching: Vec<Subscription> = Vec::new();
    for s in rows.into_iter().map(from_row) {
        if s.interest.matches(area, topics) && matching.last().is_none_or(|m| m.user != s.user) {
            matching.push(s);
        }
    }
    let mut out = Vec::with_capacity(matching.len());
    for chunk in matching.chunks(500) {
        let people = users::Entity::find()
            .filter(users::Column::Id.is_in(chunk.iter().map(|s| s.user.0)))
            .filter(users::Column::DisabledAt.is_null())
            .all(c)
            .await?;
        for s in chunk {
            if let Some(u) = people.iter().find(|u| u.id == s.user.0) {
                out.push(Subscriber {
                    subscription: s.id,
                    user: s.user,
                    email: u.email.clone(),
                    locale: Locale::parse(&u.locale).unwrap_or_default(),
                });
            }
        }
    }
    Ok(out)
}

//! The page's logic without web types, tested natively: every setting and its encoding in the
//! link ([`settings`], [`codec`]), the playground session ([`session`]), the lecture's scenes
//! ([`scenes`]), files in and out ([`files`]), the colour scales ([`paint`]) and the
//! loss-surface view ([`surface`]). [`limits`] is at the bottom: every other module may read
//! it, and it reads none of them.

pub mod codec;
pub mod files;
pub mod limits;
pub mod paint;
pub mod scenes;
pub mod session;
pub mod settings;
pub mod surface;

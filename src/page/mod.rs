//! The page's logic without web types, tested natively: every setting and its encoding in the
//! link ([`settings`], [`codec`]), the playground session ([`session`]), the lecture's scenes
//! ([`scenes`]), files in and out ([`files`]), the run as Python to take home ([`export`]) and
//! the colour scales ([`paint`]). [`limits`] is at the bottom: every other module may read it,
//! and it reads none of them.

pub mod codec;
pub mod export;
pub mod files;
pub mod limits;
pub mod paint;
pub mod scenes;
pub mod session;
pub mod settings;

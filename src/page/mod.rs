//! The page's logic without web types, tested natively: every setting and its encoding in the
//! link ([`settings`], [`codec`], and compare mode's second run in [`compare`]), the playground
//! session ([`session`]) and its [`timeline`], the lecture's scenes ([`scenes`]), files in and
//! out ([`files`]) and the colour scales ([`paint`]). [`limits`] is at the bottom: every other
//! module may read it, and it reads none of them.

pub mod codec;
pub mod compare;
pub mod files;
pub mod limits;
pub mod paint;
pub mod scenes;
pub mod session;
pub mod settings;
pub mod timeline;

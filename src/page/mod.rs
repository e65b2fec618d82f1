//! The page's logic without web types, tested natively: every setting and its encoding in the
//! link ([`settings`], [`codec`]), the playground session ([`session`]), the lecture's scenes
//! ([`scenes`]), files in and out ([`files`], with [`class_labels`] for label columns of three
//! to five classes) and the colour scales ([`paint`], with [`class_paint`] for the decision map of
//! several classes). [`limits`] is at the bottom: every other module may read it, and it reads
//! none of them.

pub mod class_labels;
pub mod class_paint;
pub mod codec;
pub mod files;
pub mod limits;
pub mod paint;
pub mod scenes;
pub mod session;
pub mod settings;

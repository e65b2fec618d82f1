//! The page's logic without web types, tested natively: every setting and its encoding in the
//! link ([`settings`], [`codec`]), the playground session ([`session`]), the lecture's scenes
//! ([`scenes`]), files in and out ([`files`]) and the colour scales ([`paint`]). [`limits`] is at
//! the bottom: every other module may read it, and it reads none of them.

pub mod charts;
pub mod codec;
pub mod files;
pub mod import;
pub mod limits;
pub mod maths;
pub mod motion;
pub mod pace;
pub mod paint;
pub mod scenes;
pub mod session;
pub mod settings;
#[cfg(test)]
mod simulate;

//! The page's logic without web types, tested natively: every setting and its encoding in the
//! link ([`settings`], [`codec`]), the playground session ([`session`]) with its pace and stops
//! ([`pace`]), the lecture's scenes ([`scenes`]), files in and out ([`files`], [`import`]), the
//! colour scales, axis ticks and contour levels ([`paint`]), what the charts draw ([`charts`]),
//! the formulas with their numbers ([`maths`]), the last step for slow motion ([`motion`]), undo
//! and redo ([`undo`]), the link's QR code ([`share`]) and the loss-surface view ([`surface`]).
//! [`limits`] is at the bottom: every other module may read it, and it reads none of them.

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
pub mod share;
#[cfg(test)]
mod simulate;
pub mod surface;
pub mod undo;

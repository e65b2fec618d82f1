//! Owners for browser callbacks: each struct holds its closure and cancels or unregisters it
//! when dropped, so no animation frame or listener outlives the component that started it.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Event, EventTarget};

type FrameClosure = Closure<dyn FnMut(f64)>;

/// A requestAnimationFrame loop that calls `frame(timestamp)` once per display frame until
/// dropped.
pub struct AnimationLoop {
    request_id: Rc<Cell<i32>>,
    closure: Rc<RefCell<Option<FrameClosure>>>,
}

fn request_frame(closure: &FrameClosure) -> i32 {
    web_sys::window()
        .and_then(|w| w.request_animation_frame(closure.as_ref().unchecked_ref()).ok())
        .unwrap_or(0)
}

impl AnimationLoop {
    /// Starts the loop; the first call comes on the next frame.
    pub fn start(mut frame: impl FnMut(f64) + 'static) -> Self {
        let request_id = Rc::new(Cell::new(0));
        let closure: Rc<RefCell<Option<FrameClosure>>> = Rc::new(RefCell::new(None));
        // The closure re-arms itself through a weak reference, so dropping the loop frees it.
        // It asks for the next frame before doing this one's work: when the browser cuts a
        // frame short (Firefox's slow-script "Stop"), the loop still comes back next frame,
        // where `frame` finds what the cut-short frame left borrowed and can say so.
        let weak = Rc::downgrade(&closure);
        let id = request_id.clone();
        *closure.borrow_mut() = Some(Closure::new(move |timestamp: f64| {
            if let Some(slot) = weak.upgrade() {
                if let Ok(slot) = slot.try_borrow() {
                    if let Some(c) = slot.as_ref() {
                        id.set(request_frame(c));
                    }
                }
            }
            frame(timestamp);
        }));
        if let Some(c) = closure.borrow().as_ref() {
            request_id.set(request_frame(c));
        }
        AnimationLoop { request_id, closure }
    }
}

impl Drop for AnimationLoop {
    fn drop(&mut self) {
        if let Some(w) = web_sys::window() {
            let _ = w.cancel_animation_frame(self.request_id.get());
        }
        if let Ok(mut slot) = self.closure.try_borrow_mut() {
            slot.take();
        }
    }
}

/// Runs `work` on the value in `cell` and returns its result, or returns `None` without
/// running it when the value is already borrowed.
///
/// Every callback of the page (animation frames, pointer and keyboard events, timers) takes
/// the shared state this way. Callbacks run one at a time, so a borrow still held when one
/// starts means an earlier callback never finished: the browser stopped it part-way (closing
/// the page, or Firefox's slow-script "Stop"), and what it borrowed stays borrowed. A plain
/// `borrow_mut` would panic there; this skips the work instead.
pub fn try_with<T, R>(cell: &RefCell<T>, work: impl FnOnce(&mut T) -> R) -> Option<R> {
    cell.try_borrow_mut().ok().map(|mut value| work(&mut value))
}

/// An event listener that is removed when dropped.
pub struct Listener {
    target: EventTarget,
    kind: &'static str,
    closure: Closure<dyn FnMut(Event)>,
}

impl Listener {
    /// Listens for `kind` events on `target`.
    pub fn new(target: &EventTarget, kind: &'static str, handler: impl FnMut(Event) + 'static) -> Self {
        let closure = Closure::<dyn FnMut(Event)>::new(handler);
        let _ = target.add_event_listener_with_callback(kind, closure.as_ref().unchecked_ref());
        Listener {
            target: target.clone(),
            kind,
            closure,
        }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self
            .target
            .remove_event_listener_with_callback(self.kind, self.closure.as_ref().unchecked_ref());
    }
}

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
        let weak = Rc::downgrade(&closure);
        let id = request_id.clone();
        *closure.borrow_mut() = Some(Closure::new(move |timestamp: f64| {
            frame(timestamp);
            if let Some(slot) = weak.upgrade() {
                if let Some(c) = slot.borrow().as_ref() {
                    id.set(request_frame(c));
                }
            }
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
        self.closure.borrow_mut().take();
    }
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

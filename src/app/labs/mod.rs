//! The labs under the playground: the feature-space view, the random-features sweep against
//! the kernel, and pretraining then fine-tuning. Each lab keeps its work outside the virtual
//! DOM and runs it in slices on animation frames, so the page stays responsive.

mod feature_space;
mod sweep;
mod transfer;
mod transfer_numbers;

use super::handles::AnimationLoop;
use super::{now_ms, Updater};
use crate::page::settings::{Lab, Settings};
use feature_space::FeatureSpaceLab;
use std::cell::RefCell;
use std::rc::Rc;
use sweep::SweepLab;
use transfer::TransferLabPanel;
use yew::prelude::*;

/// Milliseconds of lab work per animation frame.
const LAB_BUDGET_MS: f64 = 10.0;

/// What a lab says when a slice of its work was cut short by the browser (Firefox's
/// slow-script "Stop", for example): the work stays borrowed and may be half changed.
const CUT_SHORT: &str =
    "The browser stopped this lab part-way through its work, so it cannot carry on safely: \
    reload the page to use it again (the link keeps the scene).";

/// Properties shared by the labs.
#[derive(Properties, PartialEq, Clone)]
pub struct LabProps {
    /// Access to the session.
    pub updater: Updater,
    /// The current settings (the session's own).
    pub settings: Rc<Settings>,
}

/// The labs section: a tab per lab, and the open lab.
#[function_component(LabsPanel)]
pub fn labs_panel(props: &LabProps) -> Html {
    let open = props.settings.lab;
    let tab = |lab: Lab| {
        let u = props.updater.clone();
        let selected = open == Some(lab);
        let onclick = Callback::from(move |_: MouseEvent| {
            u.settings(|s| s.lab = if selected { None } else { Some(lab) })
        });
        html! {
            <button type="button" role="tab" aria-selected={selected.to_string()}
                class={classes!("tab", selected.then_some("selected"))}
                data-testid={format!("lab-tab-{}", lab.key())} {onclick}>{ lab.label() }</button>
        }
    };
    let body = match open {
        Some(Lab::Space) => html! { <FeatureSpaceLab ..props.clone() /> },
        Some(Lab::Sweep) => html! { <SweepLab ..props.clone() /> },
        Some(Lab::Transfer) => html! { <TransferLabPanel ..props.clone() /> },
        None => html! {
            <p class="lab-hint">{ "Open a lab: see the data through the features the last layer uses, \
                compare random features with their kernel, or pretrain a network and fine-tune it on a few labels." }</p>
        },
    };
    html! {
        <section class="companion-body labs" data-testid="labs" aria-label="Labs">
            <div class="tabs lab-tabs" role="tablist">
                { for [Lab::Space, Lab::Sweep, Lab::Transfer].into_iter().map(tab) }
            </div>
            { body }
        </section>
    }
}

/// Drives a piece of lab work on animation frames while `busy` says there is some, re-rendering
/// through `tick` after each frame. The loop is owned by the component and stops with it.
#[hook]
fn use_work_loop<T, S, B>(
    work: Rc<RefCell<Option<T>>>,
    running: UseStateHandle<bool>,
    tick: UseStateHandle<u64>,
    step: S,
    busy: B,
) where
    T: 'static,
    S: Fn(&mut T, f64) + 'static,
    B: Fn(&T) -> bool + 'static,
{
    use_effect_with(*running, move |&on| {
        let handle = on.then(|| {
            let (running, tick) = (running.clone(), tick.clone());
            let mut frames = 0u64;
            AnimationLoop::start(move |_| {
                // Still borrowed: the browser cut the last slice short. Stop; the lab says why.
                let Ok(mut slot) = work.try_borrow_mut() else {
                    running.set(false);
                    return;
                };
                let Some(w) = slot.as_mut() else {
                    running.set(false);
                    return;
                };
                step(w, now_ms() + LAB_BUDGET_MS);
                frames += 1;
                let still = busy(w);
                drop(slot);
                tick.set(frames);
                if !still {
                    running.set(false);
                }
            })
        });
        move || drop(handle)
    });
}

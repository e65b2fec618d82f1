//! Small labelled form controls. Every control has a visible label and a stable `data-testid`.

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// A labelled `<select>`: `options` are (value, text) pairs; `on_change` receives the value.
pub fn select(
    label: &str,
    testid: impl Into<AttrValue>,
    options: Vec<(String, String)>,
    current: &str,
    on_change: Callback<String>,
) -> Html {
    html! {
        <Select label={AttrValue::from(label.to_string())} testid={testid.into()} {options}
            current={AttrValue::from(current.to_string())} {on_change} />
    }
}

/// Properties of [`Select`].
#[derive(Properties, PartialEq)]
struct SelectProps {
    label: AttrValue,
    testid: AttrValue,
    options: Vec<(String, String)>,
    /// The value in use.
    current: AttrValue,
    on_change: Callback<String>,
}

/// The menu behind [`select`]. After every render it shows the value in use: once the user has
/// picked an option, the browser no longer follows the options' `selected` attributes, so a
/// change made elsewhere (Undo, a scene, a link) would otherwise leave the menu showing the
/// user's last pick; and after a pick it goes back to the value in use until the page takes
/// the new one.
#[function_component(Select)]
fn select_view(props: &SelectProps) -> Html {
    let menu = use_node_ref();
    {
        let (menu, current) = (menu.clone(), props.current.clone());
        use_effect(move || {
            if let Some(el) = menu.cast::<HtmlSelectElement>() {
                if el.value() != current.as_str() {
                    el.set_value(&current);
                }
            }
        });
    }
    let (on_change, in_use) = (props.on_change.clone(), props.current.clone());
    let onchange = Callback::from(move |e: Event| {
        let menu = e.target_unchecked_into::<HtmlSelectElement>();
        on_change.emit(menu.value());
        // As a number box does: the menu shows the value in use until the page re-renders it
        // with the new one, so a refused choice does not stay on screen.
        menu.set_value(&in_use);
    });
    html! {
        <label class="control">
            <span class="control-label">{ props.label.clone() }</span>
            <select ref={menu} data-testid={props.testid.clone()} {onchange}>
                { for props.options.iter().map(|(value, text)| {
                    let selected = *value == props.current;
                    html! { <option value={value.clone()} {selected}>{ text.clone() }</option> }
                }) }
            </select>
        </label>
    }
}

/// A labelled range slider with its current value shown beside it; `on_input` receives the
/// slider position while it moves.
///
/// A range input only takes values `min + n·step`, so when `max` is not one of them the slider
/// would stop short of it (k at 1995 instead of 2000 on a log scale): its end is then moved out
/// to the next step, and `on_input` must clamp what it gets to the real range.
#[allow(clippy::too_many_arguments)]
pub fn slider(
    label: &str,
    testid: impl Into<AttrValue>,
    min: f64,
    max: f64,
    step: f64,
    position: f64,
    shown: String,
    on_input: Callback<f64>,
) -> Html {
    let oninput = Callback::from(move |e: InputEvent| {
        if let Ok(v) = e
            .target_unchecked_into::<HtmlInputElement>()
            .value()
            .parse::<f64>()
        {
            on_input.emit(v);
        }
    });
    let max = reachable_max(min, max, step);
    html! {
        <label class="control">
            <span class="control-label">{ label }<output class="control-value">{ shown }</output></span>
            <input type="range" data-testid={testid.into()} min={min.to_string()} max={max.to_string()}
                step={step.to_string()} value={position.to_string()} {oninput} />
        </label>
    }
}

/// The first value `min + n·step` at or above `max`.
fn reachable_max(min: f64, max: f64, step: f64) -> f64 {
    let steps = (max - min) / step;
    // Ranges like 0 to 0.9 in steps of 0.05 are whole numbers of steps but for rounding.
    if (steps - steps.round()).abs() < 1e-6 {
        max
    } else {
        min + steps.ceil() * step
    }
}

/// A labelled text box for a number; `on_commit` receives the text when the user presses Enter
/// or leaves the box, and decides what to do with it. The box then shows `value` again (the
/// value in use) until the page re-renders it: an accepted entry arrives as the new `value`,
/// and an unusable one does not stay on screen looking as if it were in use.
pub fn number_box(
    label: &str,
    testid: impl Into<AttrValue>,
    value: String,
    on_commit: Callback<String>,
) -> Html {
    html! {
        <NumberBox label={AttrValue::from(label.to_string())} testid={testid.into()}
            value={AttrValue::from(value)} {on_commit} />
    }
}

/// Properties of [`NumberBox`].
#[derive(Properties, PartialEq)]
struct NumberBoxProps {
    label: AttrValue,
    testid: AttrValue,
    /// The value in use.
    value: AttrValue,
    on_commit: Callback<String>,
}

/// The box behind [`number_box`]. Its text is written only when the value in use changes (and
/// after a commit), never on an ordinary re-render: a `value` attribute would make Yew put the
/// value back on every render, and training re-renders many times a second, wiping what the
/// user was half-way through typing.
#[function_component(NumberBox)]
fn number_box_view(props: &NumberBoxProps) -> Html {
    let input = use_node_ref();
    {
        let input = input.clone();
        use_effect_with(props.value.clone(), move |value| {
            if let Some(el) = input.cast::<HtmlInputElement>() {
                el.set_value(value);
            }
        });
    }
    let (commit, in_use) = (props.on_commit.clone(), props.value.clone());
    let onchange = Callback::from(move |e: Event| {
        let input = e.target_unchecked_into::<HtmlInputElement>();
        commit.emit(input.value());
        input.set_value(&in_use);
    });
    // Escape cancels: the text goes back to the value in use before the page's key handler
    // takes the focus away (leaving the box would otherwise commit what was typed).
    let in_use = props.value.clone();
    let onkeydown = Callback::from(move |e: KeyboardEvent| {
        if e.key() == "Escape" {
            e.target_unchecked_into::<HtmlInputElement>().set_value(&in_use);
        }
    });
    html! {
        <label class="control control-inline">
            <span class="control-label">{ props.label.clone() }</span>
            <input ref={input} type="text" inputmode="decimal" class="number" data-testid={props.testid.clone()}
                {onchange} {onkeydown} spellcheck="false" autocomplete="off" />
        </label>
    }
}

/// A labelled checkbox.
pub fn checkbox(label: Html, testid: impl Into<AttrValue>, checked: bool, on_toggle: Callback<bool>) -> Html {
    let onchange = Callback::from(move |e: Event| {
        on_toggle.emit(e.target_unchecked_into::<HtmlInputElement>().checked());
    });
    html! {
        <label class="check">
            <input type="checkbox" data-testid={testid.into()} {checked} {onchange} />
            <span>{ label }</span>
        </label>
    }
}

/// A button with a visible text label.
pub fn button(text: &str, testid: impl Into<AttrValue>, title: &str, on_click: Callback<()>) -> Html {
    let onclick = Callback::from(move |_: MouseEvent| on_click.emit(()));
    html! {
        <button type="button" class="button" data-testid={testid.into()} title={title.to_string()} {onclick}>{ text }</button>
    }
}

"""Checks on Keras models for the model and training exercises, shared by visible and hidden tests.

A graded builder may return a Sequential or a functional model and may spell things its own way
(``"adam"`` or ``keras.optimizers.Adam()``, ``"mse"`` or ``keras.losses.MeanSquaredError()``).
So every check reads what survives the isolated grader's transfer of a model (its config, weights
and compile config): the layers' ``get_config()``, ``count_params()``, the optimizer's class and
the compile config. Nothing relies on Python object identity.

Failures raise ``expect.ExpectationFailed`` with a short message that names the layer at fault.
"""

from __future__ import annotations

import math
import numbers
import re
from dataclasses import dataclass, field

import numpy as np

from keraskit import expect
from keraskit.expect import HISTORY, STRUCTURE, ExpectationFailed
from keraskit.i18n import t
from keraskit.quiet import silence_tensorflow

silence_tensorflow()

import keras

__all__ = ["LayerSpec", "Initializer", "RANDOM_NORMAL_BOOK", "dense", "activation", "dropout",
           "require_model", "check_input", "check_layers", "check_param_count", "check_compiled",
           "check_model", "rebuilt", "canonical_loss", "canonical_metric", "check_history",
           "check_named_values", "PROGRESS_MARKS", "check_no_progress_output"]


def _structure_failure(detail: str) -> ExpectationFailed:
    return ExpectationFailed(detail, STRUCTURE)


def _history_failure(detail: str, what: str) -> ExpectationFailed:
    """A failure of a training result; ``what`` says which part was measured wrong (the kind's own
    text speaks of fit(), so it is never shown for a function that does not train)."""
    return ExpectationFailed(detail, HISTORY, what=what)


@dataclass(frozen=True)
class Initializer:
    """A kernel initializer by class name and the config values that matter (others are free)."""
    class_name: str
    config: tuple = ()  # (key, value) pairs compared with a float tolerance

    def describe(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.config)
        return f"{self.class_name}({args})"


# The book's kernel_initializer='normal': in Keras 3, RandomNormal(mean=0.0, stddev=0.05).
RANDOM_NORMAL_BOOK = Initializer("RandomNormal", (("mean", 0.0), ("stddev", 0.05)))


@dataclass(frozen=True)
class LayerSpec:
    """What a test requires of one layer; a field left as None is not checked."""
    kind: str  # the Keras class name: "Dense", "Activation", "Dropout"
    fields: dict = field(default_factory=dict)  # config key -> expected value
    kernel_initializer: Initializer | None = None

    def describe(self) -> str:
        args = []
        for key, value in self.fields.items():
            positional = key == "units" or (key == "activation" and self.kind == "Activation")
            args.append(repr(value) if positional else f"{key}={value!r}")
        if self.kernel_initializer is not None:
            args.append(f"kernel_initializer={self.kernel_initializer.describe()}")
        return f"{self.kind}({', '.join(args)})"


def dense(units: int, activation: str = "linear", kernel_initializer: Initializer | None = None) -> LayerSpec:
    return LayerSpec("Dense", {"units": units, "activation": activation}, kernel_initializer)


def activation(name: str) -> LayerSpec:
    return LayerSpec("Activation", {"activation": name})


def dropout(rate: float, seed: int | None) -> LayerSpec:
    return LayerSpec("Dropout", {"rate": rate, "seed": seed})


# ------------------------------------------------------------------ structure


def require_model(model) -> keras.Model:
    """The graded function returned a Keras model (any subclass: Sequential, functional)."""
    if not isinstance(model, keras.Model):
        got = "None" if model is None else type(model).__name__
        raise ExpectationFailed(t("model.not_a_model", got=got), STRUCTURE,
                                what=expect.W_NONE if model is None else expect.W_NOT_A_MODEL)
    return model


def _layers(model) -> list:
    """The model's layers in order, without the InputLayer a functional model lists first."""
    return [layer for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)]


def _label(index: int, layer) -> str:
    return t("model.layer", index=index, kind=type(layer).__name__, name=layer.name)


def check_input(model, input_dim: int) -> None:
    """Built, with one input of shape (batch, input_dim): what keras.Input(shape=(input_dim,)) gives."""
    require_model(model)
    if not model.built or not model.inputs:
        raise _structure_failure(t("model.not_built_input", input_dim=input_dim))
    if len(model.inputs) != 1:
        raise _structure_failure(t("model.input_count", count=len(model.inputs)))
    shape = tuple(model.inputs[0].shape)
    if shape != (None, input_dim):
        raise _structure_failure(t("model.input_shape", input_dim=input_dim, shape=shape))


def check_layers(model, expected: list[LayerSpec]) -> None:
    """The layers, in order, are of the expected kinds with the expected config values."""
    layers = _layers(require_model(model))
    kinds = [type(layer).__name__ for layer in layers]
    if kinds != [spec.kind for spec in expected]:
        raise _structure_failure("\n".join([
            t("model.layers_expected", count=len(expected), layers=", ".join(s.describe() for s in expected)),
            t("model.layers_got", count=len(layers),
              layers=", ".join(f"{k} {layer.name!r}" for k, layer in zip(kinds, layers)) or t("model.none")),
            _first_kind_difference(layers, expected),
        ]))
    for index, (layer, spec) in enumerate(zip(layers, expected), start=1):
        _check_layer(index, layer, spec)


def _first_kind_difference(layers, expected) -> str:
    for index, (layer, spec) in enumerate(zip(layers, expected), start=1):
        if type(layer).__name__ != spec.kind:
            return t("model.first_difference", layer=_label(index, layer), kind=spec.kind)
    if len(layers) > len(expected):
        return t("model.extra_layer", layer=_label(len(expected) + 1, layers[len(expected)]))
    return t("model.missing_layer", index=len(layers) + 1, spec=expected[len(layers)].describe())


def _check_layer(index: int, layer, spec: LayerSpec) -> None:
    config = layer.get_config()
    for key, want in spec.fields.items():
        got = config.get(key)
        if key == "activation":
            got = _activation_name(got)
        if not _same_value(got, want):
            raise _structure_failure(t("model.field_should_be", layer=_label(index, layer), field=key,
                                      expected=repr(want), got=repr(got)))
    if spec.kernel_initializer is not None:
        _check_initializer(index, layer, config.get("kernel_initializer"), spec.kernel_initializer)


def _activation_name(serialized) -> str | None:
    if serialized is None:
        return "linear"
    if isinstance(serialized, str):
        return serialized
    if isinstance(serialized, dict) and serialized.get("class_name") == "function":
        return serialized.get("config")
    return repr(serialized)


def _same_value(got, want) -> bool:
    """Config values as a test means them: floats within rounding, ints as any integer, else equal."""
    if want is None:
        return got is None
    if isinstance(got, bool) or isinstance(want, bool):
        return got is want
    if isinstance(want, float):
        return isinstance(got, numbers.Real) and math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(want, int):
        return isinstance(got, numbers.Integral) and int(got) == want
    return type(got) is type(want) and got == want


def _check_initializer(index: int, layer, serialized, want: Initializer) -> None:
    def wrong(got: str) -> ExpectationFailed:
        return _structure_failure(t("model.field_should_be", layer=_label(index, layer), field="kernel_initializer",
                                   expected=want.describe(), got=got))

    if not isinstance(serialized, dict):
        raise wrong(repr(serialized))
    class_name, config = serialized.get("class_name"), serialized.get("config") or {}
    got = f"{class_name}({', '.join(f'{k}={v!r}' for k, v in config.items() if k != 'seed')})"
    if class_name != want.class_name:
        raise wrong(got)
    for key, value in want.config:
        if not _same_value(config.get(key), float(value)):
            raise wrong(got)


def check_param_count(model, expected: int) -> None:
    require_model(model)
    if not model.built:
        raise _structure_failure(t("model.not_built_params"))
    got = model.count_params()
    if got != expected:
        raise _structure_failure(t("model.param_count", expected=expected, got=got))


# ------------------------------------------------------------------ compilation


def _snake_case(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _identifier_name(identifier, registry) -> str:
    """The snake_case name of what a loss or metric identifier resolves to in ``registry``."""
    if isinstance(identifier, dict):  # a serialized object or function, as in a compile config
        if identifier.get("class_name") != "function":
            return _snake_case(str(identifier.get("class_name")))
        identifier = identifier.get("config")
    if not isinstance(identifier, str):
        return repr(identifier)
    try:
        resolved = registry.get(identifier)
    except (ValueError, TypeError):
        return identifier.lower()
    if type(resolved).__name__ in ("LossFunctionWrapper", "MeanMetricWrapper"):
        resolved = resolved.fn  # a bare wrapper is named after the function it wraps
    if isinstance(resolved, (keras.losses.Loss, keras.metrics.Metric)):
        return _snake_case(type(resolved).__name__)
    return getattr(resolved, "__name__", identifier)


def canonical_loss(identifier) -> str:
    """'mse', 'MeanSquaredError', a MeanSquaredError() config ... all -> 'mean_squared_error'."""
    return _identifier_name(identifier, keras.losses)


_METRIC_ALIASES = {"acc": "accuracy"}  # Keras's compile accepts "acc" for "accuracy"


def canonical_metric(identifier) -> str:
    """'mape', 'MAPE', a MeanAbsolutePercentageError() config ... -> 'mean_absolute_percentage_error'."""
    if isinstance(identifier, str) and identifier.lower() in _METRIC_ALIASES:
        return _METRIC_ALIASES[identifier.lower()]
    if isinstance(identifier, str) and identifier != identifier.lower():
        try:
            keras.metrics.get(identifier)
        except ValueError:
            identifier = identifier.lower()  # compile() accepts "MAPE" for "mape"
    return _identifier_name(identifier, keras.metrics)


def _metric_list(metrics) -> list:
    if metrics is None:
        return []
    if isinstance(metrics, (list, tuple)):
        return list(metrics)
    return [metrics]


def check_compiled(model, *, optimizer: str, loss: set[str], metrics: list[set[str]]) -> None:
    """Compiled with ``optimizer`` (class name), a loss whose canonical name is in ``loss``, and
    exactly one metric per set in ``metrics`` (each set lists the accepted canonical names)."""
    require_model(model)
    config = model.get_compile_config() if getattr(model, "compiled", False) else None
    if not config:
        raise _structure_failure(t("model.not_compiled"))
    got_optimizer = type(model.optimizer).__name__
    if got_optimizer != optimizer:
        raise _structure_failure(t("model.optimizer", expected=optimizer, got=got_optimizer))
    got_loss = canonical_loss(config.get("loss"))
    if got_loss not in loss:
        raise _structure_failure(t("model.loss", expected=t("model.either").join(sorted(loss)), got=got_loss))
    loss_config = config["loss"].get("config") if isinstance(config.get("loss"), dict) else None
    if isinstance(loss_config, dict) and loss_config.get("from_logits"):
        raise _structure_failure(t("model.from_logits"))
    got_metrics = [canonical_metric(m) for m in _metric_list(config.get("metrics"))]
    wanted = t("model.both").join(t("model.either").join(sorted(s)) for s in metrics) or t("model.none")
    unmatched = list(got_metrics)
    for accepted in metrics:
        match = next((m for m in unmatched if m in accepted), None)
        if match is None:
            raise _structure_failure(t("model.metrics", expected=wanted, got=got_metrics or t("model.none")))
        unmatched.remove(match)
    if unmatched:
        raise _structure_failure(t("model.metrics_extra", expected=wanted, got=got_metrics, extra=unmatched))


# ------------------------------------------------------------------ all at once


def check_model(model, *, input_dim: int, layers: list[LayerSpec], params: int | None = None,
                compiled: dict | None = None) -> None:
    """Input, layers, parameter count and (when ``compiled`` gives check_compiled's arguments) compilation."""
    check_input(model, input_dim)
    check_layers(model, layers)
    if params is not None:
        check_param_count(model, params)
    if compiled is not None:
        check_compiled(model, **compiled)


def rebuilt(model) -> keras.Model:
    """A copy made the way the isolated grader moves a model between processes: config, weights,
    compile config. Checks that pass on both the original and this copy do not depend on identity."""
    require_model(model)
    model_class = keras.Sequential if isinstance(model, keras.Sequential) else keras.Model
    copy = model_class.from_config(model.get_config())
    copy.set_weights(model.get_weights())
    compile_config = model.get_compile_config() if getattr(model, "compiled", False) else None
    if compile_config:
        copy.compile_from_config(compile_config)
    return copy


# ------------------------------------------------------------------ training results


def _is_real(value) -> bool:
    return (isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))
            and type(value).__module__ in ("builtins", "numpy"))


def check_named_values(got, expected: dict, *, rtol: float = 1e-6, atol: float = 1e-9,
                       what: str | None = None) -> None:
    """A plain dict with exactly ``expected``'s keys, each a real scalar close to the expected one.

    ``what`` names the value in messages (default: "result", in the user's language)."""
    what = what or t("model.result")
    named = expect.W_NAMED_VALUES
    if type(got) is not dict:
        raise _history_failure(t("model.dict_expected", what=what, keys=sorted(expected), got=type(got).__name__),
                               expect.W_NONE if got is None else named)
    if set(got) != set(expected):
        raise _history_failure(t("model.keys_expected", what=what, expected=sorted(expected),
                                 got=sorted(map(str, got))), named)
    for key, want in expected.items():
        value = got[key]
        if not _is_real(value):
            raise _history_failure(t("model.float_expected", what=what, key=repr(key), got=type(value).__name__),
                                   named)
        if not math.isclose(float(value), want, rel_tol=rtol, abs_tol=atol):
            raise _history_failure(t("model.value_expected", what=what, key=repr(key), expected=repr(want),
                                     got=repr(float(value))), named)


def check_history(got, expected: dict, *, rtol: float = 1e-6, atol: float = 1e-9) -> None:
    """A History dict: exactly ``expected``'s keys, each a list of one real number per epoch, all close."""
    if type(got) is not dict:
        got_type = type(got).__name__
        if hasattr(got, "history"):
            got_type = t("model.history_object", got=got_type)
        raise _history_failure(t("model.history_not_dict", got=got_type),
                               expect.W_NONE if got is None else expect.W_HISTORY_TYPE)
    if set(got) != set(expected):
        raise _history_failure(t("model.history_keys", expected=sorted(expected), got=sorted(map(str, got))),
                               expect.W_HISTORY_KEYS)
    for key, want in expected.items():
        values = got[key]
        if not isinstance(values, list) or not all(_is_real(v) for v in values):
            raise _history_failure(t("model.history_not_list", key=repr(key), got=type(values).__name__),
                                   expect.W_HISTORY_TYPE)
        if len(values) != len(want):
            raise _history_failure(t("model.history_epochs", key=repr(key), expected=len(want), got=len(values)),
                                   expect.W_HISTORY_EPOCHS)
        for epoch, (value, target) in enumerate(zip(values, want), start=1):
            if not math.isclose(float(value), target, rel_tol=rtol, abs_tol=atol):
                raise _history_failure("\n".join([
                    t("model.history_value", key=repr(key), epoch=epoch, expected=repr(target),
                      got=repr(float(value))),
                    t("expect.expected", value=want), t("expect.got", value=values)]), expect.W_HISTORY_VALUES)


# What Keras prints while fitting with verbose=1 or 2: "Epoch 1/3", the bar, "12ms/step".
PROGRESS_MARKS = ("Epoch ", "\u2501", "/step", "ETA")


def check_no_progress_output(captured: str) -> None:
    """``captured`` (pytest's capsys stdout) shows no progress bar or per-epoch lines."""
    found = [mark for mark in PROGRESS_MARKS if mark in captured]
    if found:
        first = next(line for line in captured.splitlines() if any(m in line for m in found))
        raise _history_failure(t("model.progress_printed", line=repr(first.strip()[:80])), expect.W_PROGRESS)

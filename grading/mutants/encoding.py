"""Wrong and right answers for encoding.py, each graded by the hidden suite (see kitdev.mutation)."""

import numpy as np

from kitdev.mutation import right, wrong

# ---------------------------------------------------------------- binary_encode


@wrong("encoding.binary_encode", "returns the boolean comparison, not 0/1 ints", misconception="binary-encode-booleans")
def binary_encode(values, positive):
    array = np.asarray(values)
    if np.unique(array).size > 2:
        raise ValueError("values has more than two distinct values")
    if not np.any(array == positive):
        raise ValueError("positive does not occur")
    return array == positive


@wrong("encoding.binary_encode", "no check for a third value: it is silently encoded as 0",
       misconception="binary-encode-values-unchecked")
def binary_encode(values, positive):
    array = np.asarray(values)
    if not np.any(array == positive):
        raise ValueError("positive does not occur")
    return (array == positive).astype(int)


@wrong("encoding.binary_encode", "no check that positive occurs: a typo gives all zeros",
       misconception="binary-encode-values-unchecked")
def binary_encode(values, positive):
    array = np.asarray(values)
    if np.unique(array).size > 2:
        raise ValueError("values has more than two distinct values")
    return (array == positive).astype(int)


@wrong("encoding.binary_encode", "inverted: 1 where the value is NOT positive", misconception="binary-encode-inverted")
def binary_encode(values, positive):
    array = np.asarray(values)
    if np.unique(array).size > 2:
        raise ValueError("values has more than two distinct values")
    if not np.any(array == positive):
        raise ValueError("positive does not occur")
    return (array != positive).astype(int)


@right("encoding.binary_encode", "a set of the distinct values and a list comprehension")
def binary_encode(values, positive):
    shape = np.shape(values)
    items = np.asarray(values).ravel().tolist()  # a table of values is encoded cell by cell
    distinct = set(items)
    if len(distinct) > 2:
        raise ValueError(f"values: expected at most 2 distinct values, found {len(distinct)}")
    if positive not in distinct:
        raise ValueError(f"positive={positive!r} is not among the values")
    return np.array([1 if item == positive else 0 for item in items], dtype=int).reshape(shape)


# ---------------------------------------------------------------- one_hot

@wrong("encoding.one_hot", "num_classes defaults to max(labels), one class short",
       misconception="one-hot-default-classes")
def one_hot(labels, num_classes=None):
    label_vector = _label_vector(labels)
    k = int(label_vector.max()) if num_classes is None else _class_count(label_vector, num_classes)
    matrix = np.zeros((label_vector.size, k))
    matrix[np.arange(label_vector.size), label_vector] = 1.0
    return matrix


@wrong("encoding.one_hot", "num_classes defaults to the number of distinct labels",
       misconception="one-hot-default-classes")
def one_hot(labels, num_classes=None):
    label_vector = _label_vector(labels)
    k = len(np.unique(label_vector)) if num_classes is None else _class_count(label_vector, num_classes)
    matrix = np.zeros((label_vector.size, k))
    matrix[np.arange(label_vector.size), label_vector] = 1.0
    return matrix


@wrong("encoding.one_hot", "keras.utils.to_categorical's numpy path as is: a negative label wraps around",
       misconception="one-hot-labels-unchecked")
def one_hot(labels, num_classes=None):
    array = np.asarray(labels)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1 or array.dtype.kind not in "biuf":
        raise ValueError("labels must be a vector of integers")
    if array.dtype.kind == "f" and not np.all(np.isfinite(array) & (array == np.round(array))):
        raise ValueError("labels must be whole numbers")
    array = array.astype(np.int64)
    k = int(array.max()) + 1 if num_classes is None else num_classes
    if not isinstance(k, (int, np.integer)) or k < 1 or array.max() >= k:
        raise ValueError("labels must be < num_classes")
    matrix = np.zeros((array.size, k))
    matrix[np.arange(array.size), array] = 1.0
    return matrix


@wrong("encoding.one_hot", "casts float labels with astype(int): 1.5 silently becomes class 1",
       misconception="one-hot-labels-unchecked")
def one_hot(labels, num_classes=None):
    array = np.asarray(labels)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1 or array.dtype.kind not in "biuf":
        raise ValueError("labels must be a vector of integers")
    if np.any(array < 0):
        raise ValueError("labels must not be negative")
    label_vector = array.astype(np.int64)
    k = _class_count(label_vector, num_classes)
    return np.eye(k)[label_vector]


@wrong("encoding.one_hot", "no check against num_classes: numpy's IndexError instead of a ValueError",
       misconception="one-hot-labels-unchecked")
def one_hot(labels, num_classes=None):
    label_vector = _label_vector(labels)
    k = int(label_vector.max()) + 1 if num_classes is None else int(num_classes)
    return np.eye(k)[label_vector]


@wrong("encoding.one_hot", "(n, 1) labels give an (n, 1, k) array", misconception="one-hot-column-labels")
def one_hot(labels, num_classes=None):
    array = np.asarray(labels)
    label_vector = _label_vector(array.reshape(-1))
    k = _class_count(label_vector, num_classes)
    return np.eye(k)[label_vector].reshape(array.shape + (k,))


@wrong("encoding.one_hot", "an int matrix of 0/1: the right numbers, but the docstring asks for floats",
       misconception="one-hot-int-matrix")
def one_hot(labels, num_classes=None):
    label_vector = _label_vector(labels)
    k = _class_count(label_vector, num_classes)
    return (label_vector[:, None] == np.arange(k)).astype(int)


@right("encoding.one_hot", "compares each label with arange(k) after explicit checks")
def one_hot(labels, num_classes=None):
    flat = np.array(labels)
    if flat.ndim == 2 and flat.shape[-1] == 1:
        flat = flat.reshape(-1)
    if flat.ndim != 1 or not np.issubdtype(flat.dtype, np.number):
        raise ValueError(f"labels should be a 1-d vector of class numbers, got shape {flat.shape}")
    as_float = flat.astype(float)
    if not np.isfinite(as_float).all() or (np.mod(as_float, 1) != 0).any() or (as_float < 0).any():
        raise ValueError("labels must be non-negative whole numbers")
    ints = as_float.astype(int)
    if num_classes is None:
        num_classes = int(ints.max()) + 1
    elif not isinstance(num_classes, (int, np.integer)) or isinstance(num_classes, bool) or num_classes <= 0:
        raise ValueError(f"num_classes={num_classes!r} is not a positive int")
    if (ints >= num_classes).any():
        raise ValueError(f"a label is >= num_classes ({num_classes})")
    return (ints[:, np.newaxis] == np.arange(num_classes)[np.newaxis, :]).astype(np.float64)


# ---------------------------------------------------------------- one_hot_categories

@wrong("encoding.one_hot_categories", "default categories in order of first appearance, not sorted",
       misconception="categories-order")
def one_hot_categories(values, categories=None):
    items = _as_items(values, "values")
    order = list(dict.fromkeys(items)) if categories is None else _as_items(categories, "categories")
    if len(set(order)) != len(order):
        raise ValueError("categories repeat a value")
    matrix = np.zeros((len(items), len(order)))
    for i, item in enumerate(items):
        if item not in order:
            raise ValueError(f"value {item!r} is not in categories")
        matrix[i, order.index(item)] = 1.0
    return matrix, order


@wrong("encoding.one_hot_categories", "an unknown value gets a row of zeros instead of an error",
       misconception="categories-unknown-value")
def one_hot_categories(values, categories=None):
    items = _as_items(values, "values")
    order = _sorted_distinct(items) if categories is None else _as_items(categories, "categories")
    if len(set(order)) != len(order):
        raise ValueError("categories repeat a value")
    matrix = np.zeros((len(items), len(order)))
    for i, item in enumerate(items):
        if item in order:
            matrix[i, order.index(item)] = 1.0
    return matrix, order


@wrong("encoding.one_hot_categories", "the error for an unknown value does not say which value",
       misconception="categories-unknown-value")
def one_hot_categories(values, categories=None):
    items = _as_items(values, "values")
    order = _sorted_distinct(items) if categories is None else _as_items(categories, "categories")
    if len(set(order)) != len(order):
        raise ValueError("categories repeat a value")
    if not set(items) <= set(order):
        raise ValueError("values contain an unknown category")
    return np.array([[1.0 if item == c else 0.0 for c in order] for item in items]).reshape(len(items), -1), order


@wrong("encoding.one_hot_categories", "sorts the given categories too, ignoring their order",
       misconception="categories-order")
def one_hot_categories(values, categories=None):
    items = _as_items(values, "values")
    order = _sorted_distinct(items if categories is None else _as_items(categories, "categories"))
    matrix = np.zeros((len(items), len(order)))
    for i, item in enumerate(items):
        if item not in order:
            raise ValueError(f"value {item!r} is not in categories")
        matrix[i, order.index(item)] = 1.0
    return matrix, order


@wrong("encoding.one_hot_categories", "np.unique for the categories: tuples are broken into their items",
       misconception="categories-np-unique")
def one_hot_categories(values, categories=None):
    array = np.asarray(values)
    order = np.unique(array).tolist() if categories is None else list(categories)
    if len(set(order)) != len(order):
        raise ValueError("categories repeat a value")
    matrix = np.zeros((len(array), len(order)))
    for i, item in enumerate(array.tolist()):
        if item not in order:
            raise ValueError(f"value {item!r} is not in categories")
        matrix[i, order.index(item)] = 1.0
    return matrix, order


@wrong("encoding.one_hot_categories", "repeated categories are not rejected", misconception="categories-repeated")
def one_hot_categories(values, categories=None):
    items = _as_items(values, "values")
    order = _sorted_distinct(items) if categories is None else _as_items(categories, "categories")
    matrix = np.zeros((len(items), len(order)))
    for i, item in enumerate(items):
        if item not in order:
            raise ValueError(f"value {item!r} is not in categories")
        matrix[i, order.index(item)] = 1.0
    return matrix, order


@wrong("encoding.one_hot_categories", "an int matrix of 0/1: the right numbers, but the docstring asks for floats",
       misconception="categories-int-matrix")
def one_hot_categories(values, categories=None):
    items = _as_items(values, "values")
    order = _sorted_distinct(items) if categories is None else _as_items(categories, "categories")
    if len(set(order)) != len(order):
        raise ValueError(f"categories must not repeat a value, got {order}")
    unknown = [item for item in items if item not in order]
    if unknown:
        raise ValueError(f"value {unknown[0]!r} is not one of the categories {order}")
    return np.array([[int(item == category) for category in order] for item in items]), order


@right("encoding.one_hot_categories", "list.index per value and a comparison table")
def one_hot_categories(values, categories=None):
    items = values.tolist() if isinstance(values, np.ndarray) else list(values)
    if categories is None:
        columns = sorted(set(items))
    else:
        columns = categories.tolist() if isinstance(categories, np.ndarray) else list(categories)
        if len(columns) != len(set(columns)):
            raise ValueError("categories contains duplicates")
    unknown = [item for item in items if item not in columns]
    if unknown:
        raise ValueError(f"unknown value {unknown[0]!r}; known categories: {columns}")
    positions = np.array([columns.index(item) for item in items], dtype=int)
    matrix = (positions[:, None] == np.arange(len(columns))[None, :]).astype(float)
    return matrix.reshape(len(items), len(columns)), columns


# ---------------------------------------------------------------- decode_one_hot

@wrong("encoding.decode_one_hot", "argmax over axis 0: one answer per column", misconception="decode-wrong-axis")
def decode_one_hot(matrix):
    array = np.asarray(matrix)
    if array.ndim != 2 or array.shape[1] == 0:
        raise ValueError("matrix must be 2-d")
    return np.argmax(array, axis=0)


@wrong("encoding.decode_one_hot", "the last index wins a tie", misconception="decode-tie-and-shape")
def decode_one_hot(matrix):
    array = np.asarray(matrix)
    if array.ndim != 2 or array.shape[1] == 0:
        raise ValueError("matrix must be 2-d")
    return array.shape[1] - 1 - np.argmax(array[:, ::-1], axis=1)


@wrong("encoding.decode_one_hot", "returns float labels", misconception="decode-float-labels")
def decode_one_hot(matrix):
    array = np.asarray(matrix, dtype=float)
    if array.ndim != 2 or array.shape[1] == 0:
        raise ValueError("matrix must be 2-d")
    return np.argmax(array, axis=1).astype(float)


@wrong("encoding.decode_one_hot", "no shape check: a 1-d vector gives one number instead of an error",
       misconception="decode-tie-and-shape")
def decode_one_hot(matrix):
    return np.argmax(np.asarray(matrix), axis=-1)


@wrong("encoding.decode_one_hot", "the position of the first 1.0: wrong for probabilities",
       misconception="decode-first-one")
def decode_one_hot(matrix):
    array = np.asarray(matrix)
    if array.ndim != 2 or array.shape[1] == 0:
        raise ValueError("matrix must be 2-d")
    return np.argmax(array == 1, axis=1)


@right("encoding.decode_one_hot", "max of each row, then the first position that equals it")
def decode_one_hot(matrix):
    rows = np.array(matrix, dtype=float)
    if rows.ndim != 2:
        raise ValueError(f"matrix needs 2 axes, has {rows.ndim}")
    if rows.shape[1] < 1:
        raise ValueError("matrix has no columns")
    labels = [list(row).index(max(row)) for row in rows]
    return np.array(labels, dtype=np.int64)

def samples_first(x, sample_axis)
    return x

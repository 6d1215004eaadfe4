"""The DMN Technology Compatibility Kit, run against engine.dmn."""

import ImgmakeJob

/// A value for one input argument of a `VipsOperationCall`: a recipe value, or images already loaded.
/// (`OperationValue.imageFile` must be loaded by the caller first; the call never reads files itself.)
enum VipsInput {
    case value(OperationValue)
    case image(VipsImageHandle)
    case images([VipsImageHandle])
}
